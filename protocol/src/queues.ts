/**
 * The SQS queues of the exchange, declared once. The local cloud creates them in
 * fauxqs from this list and the CDK app builds the same queues from it, so a
 * visibility timeout or a redrive limit cannot drift between the two.
 *
 * Every queue is FIFO: order is the point of `orders.fifo` (per account: deposit →
 * order → cancel) and of `events.fifo` (the engine's events in the order they
 * happened, within a message group). Content-based deduplication is off: the sender
 * sets `MessageDeduplicationId` to an id of its own (the request id, for commands),
 * which is unique where a body is not (two identical orders are two orders).
 */

/** A FIFO queue's name: SQS requires the `.fifo` suffix. */
export type FifoQueueName = `${string}.fifo`;

/** Where messages go after failing {@link DeadLetterQueueDefinition.maxReceiveCount} receives. */
export interface DeadLetterQueueDefinition {
  /** A FIFO source needs a FIFO dead-letter queue. */
  readonly name: FifoQueueName;
  /** Receives after which SQS moves a message here instead of delivering it again. */
  readonly maxReceiveCount: number;
  /** Seconds a dead letter is kept; longer than the source's so nobody loses one by waiting. */
  readonly messageRetentionSeconds: number;
}

/** One FIFO queue with its dead-letter queue, in the units SQS uses. */
export interface FifoQueueDefinition {
  readonly name: FifoQueueName;
  /**
   * Seconds a received message stays hidden from other receivers. Must exceed the
   * consumer's worst processing time, or a message is processed twice.
   */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds an unconsumed message is kept. */
  readonly messageRetentionSeconds: number;
  /** Default long-poll wait of a receive (0–20). */
  readonly receiveWaitTimeSeconds: number;
  /**
   * `messageGroup` plus `perMessageGroupId` is SQS's high-throughput FIFO mode; the
   * request-id deduplication ids are globally unique, so the narrower scope drops
   * nothing that `queue` scope would.
   */
  readonly deduplicationScope: 'queue' | 'messageGroup';
  readonly fifoThroughputLimit: 'perQueue' | 'perMessageGroupId';
  readonly deadLetterQueue: DeadLetterQueueDefinition;
}

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/** SQS's longest retention: a dead letter waits two weeks for someone to look at it. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * DAY;

/**
 * Commands from the API to the engine. Message group = account id, so one account's
 * commands stay in order while different accounts' interleave.
 *
 * The engine journals a batch of ten in milliseconds, so 30 s of visibility is
 * generous; four days of retention lets accepted orders survive an engine outage
 * (an accepted order must be matched or rejected, never dropped). Five receives
 * before the dead-letter queue tolerates a few engine restarts mid-batch.
 */
export const ORDERS_QUEUE: FifoQueueDefinition = {
  name: 'orders.fifo',
  visibilityTimeoutSeconds: 30,
  messageRetentionSeconds: 4 * DAY,
  receiveWaitTimeSeconds: 20,
  deduplicationScope: 'messageGroup',
  fifoThroughputLimit: 'perMessageGroupId',
  deadLetterQueue: {
    name: 'orders-dlq.fifo',
    maxReceiveCount: 5,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
  },
};

/**
 * Database events from the engine to the DB-processor Lambda. The visibility timeout
 * is 60 s, six times a 10 s function timeout as AWS advises for Lambda event
 * sources, so a slow batch is not handed to a second invocation while the first
 * is still writing.
 */
export const EVENTS_QUEUE: FifoQueueDefinition = {
  name: 'events.fifo',
  visibilityTimeoutSeconds: 60,
  messageRetentionSeconds: 4 * DAY,
  receiveWaitTimeSeconds: 20,
  deduplicationScope: 'messageGroup',
  fifoThroughputLimit: 'perMessageGroupId',
  deadLetterQueue: {
    name: 'events-dlq.fifo',
    maxReceiveCount: 5,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
  },
};

/** Every queue the exchange uses, in creation order. */
export const QUEUE_DEFINITIONS: readonly FifoQueueDefinition[] = [ORDERS_QUEUE, EVENTS_QUEUE];
