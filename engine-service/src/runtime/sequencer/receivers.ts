import type { Message } from '@aws-sdk/client-sqs';
import type { QueueClient } from '@exchange/sqs-client';
import type { WakeUps } from './wake-ups.js';

/**
 * How long a received message stays hidden from other receives. The queue's own
 * timeout (30 s) is sized for any consumer; the engine journals a batch in
 * milliseconds, and a shorter hold is what lets it heal fast: when an engine dies,
 * the messages its open long polls were handed are invisible for this long, and with
 * them every later command of their accounts (FIFO groups). A batch that does take
 * longer is redelivered and answered from the journal (or from memory), never applied
 * twice.
 */
export const RECEIVE_VISIBILITY_SECONDS = 6;
/**
 * Received batches merged into one journal batch when they are waiting (up to 80
 * commands). Measured in bench:engine-service: 2 receivers merging 3 gave about 19
 * commands per batch, 4 merging 8 about 33, and a tenth more commands/s.
 */
export const MAX_MERGED_RECEIVES = 8;
/** Received batches waiting before receivers pause. */
export const MAX_INBOX = 8;

/** One long poll of `orders.fifo`: up to 10 messages, hidden for {@link RECEIVE_VISIBILITY_SECONDS}. */
export function receiveOrders(
  queue: QueueClient,
  queueUrl: string,
  waitTimeSeconds: number,
  signal?: AbortSignal,
): Promise<Message[]> {
  return queue.receiveMessage(
    {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitTimeSeconds,
      VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
      MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber'],
    },
    signal,
  );
}

/** Received messages to sequence as one batch. */
export interface ReceivedBatch {
  readonly messages: Message[];
  /** When the first of the merged receives came back (`performance.now()`). */
  readonly receivedAt: number;
}

export interface ReceiversOptions {
  /** One receive; an aborted `signal` cuts its long poll short (and it throws). */
  readonly receive: (signal: AbortSignal) => Promise<Message[]>;
  /** Receives kept in flight. */
  readonly count: number;
  /** Stops receiving once the receives in flight came back (their messages are kept). */
  readonly signal: AbortSignal;
  /** Stops receiving at once, cutting the receives in flight short (on a failure). */
  readonly cut: AbortSignal;
  /** Told of every message received, every batch taken and every receiver stopped. */
  readonly wakeUps: WakeUps;
  /** Told of a receive's failure (not of one cut short); that receiver stops. */
  readonly onError: (error: unknown) => void;
}

/**
 * Receives kept in flight, and the inbox of what they brought. Receivers pause while
 * {@link MAX_INBOX} received batches wait (each checks before it receives, so up to
 * `count − 1` more may arrive); {@link take} merges up to {@link MAX_MERGED_RECEIVES}
 * of them, oldest first, and wakes the receivers. FIFO groups keep this safe: SQS
 * hands out no message of a group while an earlier one of that group is in flight, so
 * receiving ahead never reorders one account's commands.
 */
export class Receivers {
  private readonly inbox: { messages: Message[]; receivedAt: number }[] = [];
  private running: number;
  private readonly all: Promise<void>[];

  constructor(private readonly options: ReceiversOptions) {
    this.running = options.count;
    this.all = Array.from({ length: options.count }, () => this.receiveUntilStopped());
  }

  /** Received batches waiting to be taken. */
  get waiting(): number {
    return this.inbox.length;
  }

  /** Whether every receiver has stopped. */
  get stopped(): boolean {
    return this.running === 0;
  }

  /** The oldest received batches merged into one, or `undefined` when none waits. */
  take(): ReceivedBatch | undefined {
    if (this.inbox.length === 0) return undefined;
    const taken = this.inbox.splice(0, MAX_MERGED_RECEIVES);
    this.options.wakeUps.notify();
    return {
      messages: taken.flatMap((t) => t.messages),
      receivedAt: (taken[0] as { receivedAt: number }).receivedAt,
    };
  }

  /** Settles once every receiver has stopped. */
  async finished(): Promise<void> {
    await Promise.all(this.all);
  }

  private async receiveUntilStopped(): Promise<void> {
    const { receive, signal, cut, wakeUps } = this.options;
    try {
      while (!signal.aborted && !cut.aborted) {
        if (this.inbox.length >= MAX_INBOX) {
          await wakeUps.wait();
          continue;
        }
        const messages = await receive(cut);
        if (messages.length > 0) this.inbox.push({ messages, receivedAt: performance.now() });
        wakeUps.notify();
      }
    } catch (error) {
      // An aborted long poll is how a failure interrupts it.
      if (!cut.aborted) this.options.onError(error);
    } finally {
      this.running -= 1;
      wakeUps.notify();
    }
  }
}
