/**
 * Where the processor puts a record it can never write, on its last delivery: the
 * events dead-letter queue, sent by the processor itself so that the records after it
 * in the batch do not follow it there (see README.md, "Bad records").
 */
import { SendMessageCommand, type SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** Receives records the processor gives up on. */
export interface DeadLetterSink {
  /** Keeps `record` for people to look at; resolves once it is stored. */
  send(record: SQSRecord, reason: string): Promise<void>;
}

/** The one call the sink makes; an `SQSClient` is one. */
export interface MessageSender {
  send(command: SendMessageCommand): Promise<SendMessageCommandOutput>;
}

/**
 * A FIFO dead-letter queue. The record keeps its body and message group; its message
 * id is the deduplication id, so forwarding the same record twice stores it once, and
 * message attributes say where it came from and why.
 *
 * @example
 * const sink = new SqsDeadLetterQueue(new SQSClient({ endpoint, region }), dlqUrl);
 */
export class SqsDeadLetterQueue implements DeadLetterSink {
  constructor(
    private readonly client: MessageSender,
    private readonly queueUrl: string,
  ) {}

  async send(record: SQSRecord, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.body,
        MessageGroupId: record.attributes.MessageGroupId ?? 'dead-letters',
        MessageDeduplicationId: record.messageId,
        MessageAttributes: {
          SourceMessageId: { DataType: 'String', StringValue: record.messageId },
          SourceQueueArn: { DataType: 'String', StringValue: record.eventSourceARN },
          Reason: { DataType: 'String', StringValue: reason.slice(0, 1_000) },
        },
      }),
    );
  }
}
