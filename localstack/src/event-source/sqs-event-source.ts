/**
 * The SQS → Lambda event source mapping, locally: long-polls one queue, invokes a
 * handler with each batch as an `SQSEvent`, deletes what succeeded and leaves the rest
 * to come back after the visibility timeout (and, past `maxReceiveCount`, to go to
 * the dead-letter queue), as Lambda does with `ReportBatchItemFailures` on.
 *
 * **Lanes.** Up to `maxConcurrency` batches are handled at once, each by a lane of its
 * own (receive, invoke, delete, again), as Lambda's pollers do; on a FIFO queue that is
 * Lambda's concurrency per message group. Ordering within a group needs nothing more:
 * SQS hands out no message of a group while an earlier one is in flight, so two lanes
 * never hold the same group, and a failed record keeps every later record of its group
 * in the batch on the queue with it. A receive takes as many messages of one group as
 * it can before another group's (as SQS does, see `sqs/fifo-receive.ts`), which leaves
 * the other groups to the other lanes.
 *
 * **The hold.** AWS's pollers never die; this one is a process that can. A batch it
 * received is invisible for the queue's visibility timeout (a minute for
 * `events.fifo`), and with it every later message of its FIFO groups: a poller killed
 * mid-batch would stall history for that long. With `holdSeconds` the poller receives
 * with that shorter visibility and extends it while the handler runs, so a dead
 * poller's batch comes back within `holdSeconds`; records the handler reports as
 * failed are then held for the queue's full timeout, exactly as in AWS, so a failing
 * record is retried (and reaches its dead-letter queue) at AWS's pace.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueClient } from '@exchange/sqs-client';
import { sdkQueueClient } from '@exchange/sqs-client/sdk';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LambdaContext } from '../lambda/lambda-context.js';
import { queueArn } from '../sqs/queues.js';
import { failedRecordIds } from './batch-failures.js';
import { type EventSourceQueue, toSqsEvent } from './sqs-event.js';

/** An SQS-triggered Lambda handler: may resolve to `{ batchItemFailures }`; throwing fails the batch. */
// biome-ignore lint/suspicious/noConfusingVoidType: Lambda handlers may resolve to nothing
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** The calls made for every batch: receive and delete. An `SqsJsonClient` is one. */
export type BatchQueueClient = Pick<QueueClient, 'receiveMessage' | 'deleteMessageBatch'>;

export interface SqsEventSourceOptions {
  /**
   * Made by `createSqsClient`, so it has an explicit endpoint: the queue's attributes,
   * and visibility changes (with a hold, and for failed records).
   */
  readonly client: SQSClient;
  /**
   * Receives and deletes, the calls made per batch. Default: `client`. The SDK's per-call
   * machinery costs more CPU than the rest of the poller; a busy poller shares one
   * `SqsJsonClient` (`@exchange/sqs-client`) among its lanes instead.
   */
  readonly batchClient?: BatchQueueClient;
  readonly queueUrl: string;
  readonly handler: SqsBatchHandler;
  /** Records per invocation, 1–10. Default 10, SQS's most per receive. */
  readonly batchSize?: number;
  /**
   * Batches handled at once, 1–1000, each by a lane of its own (see the module comment).
   * Default 1. Lambda's `ScalingConfig.MaximumConcurrency` (2–1000; unset, its pollers
   * scale to the active message groups of a FIFO queue).
   */
  readonly maxConcurrency?: number;
  /** Long-poll wait per receive, 0–20 s. Default 20. */
  readonly waitTimeSeconds?: number;
  /** Default: the queue's name. */
  readonly functionName?: string;
  /**
   * Seconds a received batch is held while it is being handled, extended as the handler
   * runs (see the module comment). Default: none, the queue's visibility timeout, as in AWS.
   */
  readonly holdSeconds?: number;
  /** Budget shown by `context.getRemainingTimeInMillis()`; not enforced. Default 30 000. */
  readonly functionTimeoutMs?: number;
  /**
   * Told of handler errors, invalid batch responses, failed deletes and failed
   * receives; the poller itself carries on. Default: `console.error`.
   */
  readonly onError?: (error: unknown) => void;
}

const RECEIVE_RETRY_MS = 1_000;

/** The polled queue, from its ARN `arn:aws:sqs:<region>:<account>:<name>`. */
interface QueueIdentity extends EventSourceQueue {
  readonly accountId: string;
  readonly name: string;
  /** The queue's own visibility timeout, in seconds. */
  readonly visibilityTimeoutSeconds: number;
}

/** Lambda's system attributes of an SQS record; FIFO ones included. */
const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SentTimestamp',
  'SenderId',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
] as const;

/**
 * @example
 * const source = new SqsEventSource({ client, queueUrl: sqs.queueUrls['events.fifo'], handler });
 * source.start();
 * // …
 * await source.stop();
 */
export class SqsEventSource {
  readonly #options: SqsEventSourceOptions;
  readonly #batchClient: BatchQueueClient;
  readonly #batchSize: number;
  readonly #lanes: number;
  readonly #waitTimeSeconds: number;
  readonly #onError: (error: unknown) => void;
  #queue: Promise<QueueIdentity> | undefined;
  #abort: AbortController | undefined;
  #polling: Promise<void> | undefined;

  constructor(options: SqsEventSourceOptions) {
    this.#options = options;
    this.#batchClient = options.batchClient ?? sdkQueueClient(options.client);
    this.#batchSize = inRange(options.batchSize ?? 10, 1, 10, 'batchSize');
    this.#lanes = inRange(options.maxConcurrency ?? 1, 1, 1000, 'maxConcurrency');
    this.#waitTimeSeconds = inRange(options.waitTimeSeconds ?? 20, 0, 20, 'waitTimeSeconds');
    this.#onError = options.onError ?? ((error) => console.error('SQS event source:', error));
  }

  /** Starts polling; does nothing if already started. */
  start(): void {
    if (this.#polling) return;
    const abort = new AbortController();
    this.#abort = abort;
    const lanes = Array.from({ length: this.#lanes }, () => this.#poll(abort.signal));
    this.#polling = Promise.all(lanes).then(() => undefined);
  }

  /**
   * Stops polling. The batches being handled are finished, deletes included, before
   * this resolves; receives that are waiting are abandoned. (The server may still
   * complete an abandoned long poll: a message that arrives then stays invisible for
   * one visibility timeout before it is delivered again.)
   */
  async stop(): Promise<void> {
    if (!this.#polling) return;
    this.#abort?.abort();
    await this.#polling;
    this.#polling = undefined;
  }

  /** One lane: receive, invoke, settle, until stopped. */
  async #poll(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let queue: QueueIdentity;
      let event: SQSEvent;
      try {
        queue = await this.#identity();
        event = toSqsEvent(await this.#receive(signal), queue);
      } catch (error) {
        if (signal.aborted) return;
        this.#onError(error);
        await sleep(RECEIVE_RETRY_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (event.Records.length > 0) await this.#deliver(event, queue);
    }
  }

  /** The queue's identity, asked for once for every lane (again after a failure). */
  #identity(): Promise<QueueIdentity> {
    if (this.#queue === undefined) {
      const asking = this.#identify();
      this.#queue = asking;
      asking.catch(() => {
        if (this.#queue === asking) this.#queue = undefined;
      });
    }
    return this.#queue;
  }

  async #identify(): Promise<QueueIdentity> {
    const arn = await queueArn(this.#options.client, this.#options.queueUrl);
    const [, , , region, accountId, name] = arn.split(':');
    if (!region || !accountId || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
    const { Attributes } = await this.#options.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#options.queueUrl,
        AttributeNames: ['VisibilityTimeout'],
      }),
    );
    return {
      arn,
      region,
      accountId,
      name,
      visibilityTimeoutSeconds: Number(Attributes?.VisibilityTimeout ?? 30),
    };
  }

  #receive(signal: AbortSignal): Promise<Message[]> {
    return this.#batchClient.receiveMessage(
      {
        QueueUrl: this.#options.queueUrl,
        MaxNumberOfMessages: this.#batchSize,
        WaitTimeSeconds: this.#waitTimeSeconds,
        // The deprecated name too, for servers that predate MessageSystemAttributeNames.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTES],
        MessageAttributeNames: ['All'],
        ...(this.#options.holdSeconds === undefined ? {} : { VisibilityTimeout: this.#options.holdSeconds }),
      },
      signal,
    );
  }

  /** Invokes the handler once and settles the batch; never throws. */
  async #deliver(event: SQSEvent, queue: QueueIdentity): Promise<void> {
    const records = event.Records;
    const context = LambdaContext.fresh(
      this.#options.functionName ?? queue.name.replace(/\.fifo$/, ''),
      this.#options.functionTimeoutMs ?? 30_000,
      queue.region,
      queue.accountId,
    );
    let failed: ReadonlySet<string>;
    const hold = this.#holdWhileHandling(records);
    try {
      const response = await this.#options.handler(event, context);
      failed = failedRecordIds(records, response, queue.name.endsWith('.fifo'));
    } catch (error) {
      this.#onError(error);
      failed = new Set(records.map((record) => record.messageId));
    } finally {
      await hold.end();
    }
    await this.#delete(records.filter((record) => !failed.has(record.messageId)));
    if (this.#options.holdSeconds !== undefined) {
      await this.#setVisibility(
        records.filter((record) => failed.has(record.messageId)),
        queue.visibilityTimeoutSeconds,
      );
    }
  }

  /** With `holdSeconds`, extends the batch's visibility every half hold until `end()`. */
  #holdWhileHandling(records: readonly SQSRecord[]): { end(): Promise<void> } {
    const holdSeconds = this.#options.holdSeconds;
    if (holdSeconds === undefined) return { end: async () => {} };
    let extending = Promise.resolve();
    const timer = setInterval(
      () => {
        extending = extending.then(() => this.#setVisibility(records, holdSeconds));
      },
      (holdSeconds * 1000) / 2,
    );
    return {
      end: async () => {
        clearInterval(timer);
        await extending;
      },
    };
  }

  async #setVisibility(records: readonly SQSRecord[], seconds: number): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#options.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: records.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
    } catch (error) {
      this.#onError(error);
    }
  }

  async #delete(records: readonly SQSRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      const { Failed } = await this.#batchClient.deleteMessageBatch({
        QueueUrl: this.#options.queueUrl,
        Entries: records.map((record, index) => ({
          Id: String(index),
          ReceiptHandle: record.receiptHandle,
        })),
      });
      // A record not deleted comes back after its visibility timeout: at-least-once, as on AWS.
      for (const failure of Failed ?? []) {
        this.#onError(
          new Error(`delete failed for record ${failure.Id}: ${failure.Code} ${failure.Message}`),
        );
      }
    } catch (error) {
      this.#onError(error);
    }
  }
}

function inRange(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}–${max}, got ${value}`);
  }
  return value;
}
