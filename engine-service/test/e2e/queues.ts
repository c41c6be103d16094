/**
 * The crash test's SQS side: its own FIFO queues (short visibility, so a killed
 * engine's batch comes back in seconds), a paced producer, and a consumer of the
 * persistence events that records every message it receives and deletes it.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EVENTS_QUEUE, type FifoQueueDefinition, ORDERS_QUEUE } from '@exchange/protocol';
import type { PlannedMessage } from './load.js';

/** Redrive only after many receives: a message dead-lettered here would be a lost order, not a test of it. */
const DEAD_LETTER = { maxReceiveCount: 1_000, messageRetentionSeconds: 3_600 };

export const CRASH_ORDERS_QUEUE: FifoQueueDefinition = {
  ...ORDERS_QUEUE,
  name: 'crash-orders.fifo',
  visibilityTimeoutSeconds: 5,
  receiveWaitTimeSeconds: 1,
  deadLetterQueue: { ...DEAD_LETTER, name: 'crash-orders-dlq.fifo' },
};

export const CRASH_EVENTS_QUEUE: FifoQueueDefinition = {
  ...EVENTS_QUEUE,
  name: 'crash-events.fifo',
  visibilityTimeoutSeconds: 30,
  receiveWaitTimeSeconds: 1,
  deadLetterQueue: { ...DEAD_LETTER, name: 'crash-events-dlq.fifo' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the messages in order, ten per `SendMessageBatch`, spread over about
 * `durationMs`. Entries SQS fails (or a failed call) are sent again with the same
 * deduplication ids. One sender, so each message group keeps its order.
 */
export async function produce(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly PlannedMessage[],
  durationMs: number,
  stopped: () => boolean,
): Promise<{ sent: number; calls: number; resends: number }> {
  const started = performance.now();
  let sent = 0;
  let calls = 0;
  let resends = 0;
  for (let i = 0; i < messages.length && !stopped(); i += 10) {
    const ahead = (i / messages.length) * durationMs - (performance.now() - started);
    if (ahead > 1) await sleep(ahead);
    let pending: SendMessageBatchRequestEntry[] = messages.slice(i, i + 10).map((m, n) => ({
      Id: String(n),
      MessageBody: m.body,
      MessageGroupId: m.accountId,
      MessageDeduplicationId: m.deduplicationId,
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        if (attempt > 20) throw new Error(`producer: batch at ${i} not sent after 20 attempts`);
        resends += pending.length;
        await sleep(50 * attempt);
      }
      calls++;
      try {
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
      } catch {
        // The whole call failed: send it again, SQS deduplicates what did arrive.
      }
    }
    sent += Math.min(10, messages.length - i);
  }
  return { sent, calls, resends };
}

/** One persistence-events message as received. */
export interface ReceivedEvents {
  readonly deduplicationId: string;
  readonly groupId: string;
  readonly body: string;
}

/** Receives and deletes persistence events until stopped and the queue is empty. */
export class EventsConsumer {
  readonly received: ReceivedEvents[] = [];
  private stopping = false;
  readonly done: Promise<void>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.done = this.run();
    // Observed by finish(); a failure after stopNow() (the test already failed) is not news.
    this.done.catch(() => undefined);
  }

  /** Ends once a receive after this call comes back empty twice in a row. */
  async finish(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  stopNow(): void {
    this.stopping = true;
  }

  private async run(): Promise<void> {
    let empty = 0;
    while (!(this.stopping && empty >= 2)) {
      const { Messages: messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageDeduplicationId', 'MessageGroupId'],
        }),
      );
      if (messages.length === 0) {
        empty = this.stopping ? empty + 1 : 0;
        continue;
      }
      empty = 0;
      for (const m of messages) {
        this.received.push({
          deduplicationId: m.Attributes?.MessageDeduplicationId ?? '?',
          groupId: m.Attributes?.MessageGroupId ?? '?',
          body: m.Body ?? '',
        });
      }
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
}

/** Visible plus in-flight messages of a queue. */
export async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
