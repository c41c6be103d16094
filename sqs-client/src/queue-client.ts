/**
 * The three SQS calls on the engine's hot path — receive, delete a batch, send a
 * batch — behind one small interface, implemented by {@link SqsJsonClient} (and, for
 * comparisons, by the SDK adapter in `sdk-queue-client.ts`).
 */
import type {
  DeleteMessageBatchCommandInput,
  DeleteMessageBatchCommandOutput,
  Message,
  ReceiveMessageCommandInput,
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';

/** What a batch call reports; an entry absent from `Failed` succeeded. */
export type BatchResult = Pick<DeleteMessageBatchCommandOutput & SendMessageBatchCommandOutput, 'Failed'>;

/** The SQS calls the engine makes per batch. */
export interface QueueClient {
  /** ReceiveMessage; an aborted `signal` cuts a long poll short (and throws). */
  receiveMessage(input: ReceiveMessageCommandInput, signal?: AbortSignal): Promise<Message[]>;
  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<BatchResult>;
  sendMessageBatch(input: SendMessageBatchCommandInput): Promise<BatchResult>;
}
