import type { Message } from '@aws-sdk/client-sqs';
import type { QueueClient } from '@exchange/sqs-client';
import type { AddressedReply, JournaledCommand } from '../publish/journaled-command.js';
import { deleteMessages } from './delete-messages.js';
import type { WakeUps } from './wake-ups.js';

/** Where a sequenced batch goes. `P` is whatever the sink prepares per batch. */
export interface BatchSink<P = unknown> {
  /**
   * Called synchronously right after the batch was applied, while the engine's state
   * is exactly the batch's: build everything to publish (read models included) now.
   * @param executed commands the engine executed, in sequence order
   * @param replies replies to publish as they are: protocol rejections and answers
   *   to redelivered requests
   */
  prepare(executed: readonly JournaledCommand[], replies: readonly AddressedReply[]): P;
  /** Publishes prepared batches, in order, once the journal holds them; several at once when behind. */
  send(prepared: readonly P[]): Promise<void>;
  /**
   * Further publications of the same batches, each in order on its own and waiting
   * for neither {@link send} nor each other (a queue's round trip need not hold up
   * the replies on Redis).
   */
  readonly sendAlso?: readonly ((prepared: readonly P[]) => Promise<void>)[];
  /**
   * How long a {@link sendAlso} lane that a batch finds idle waits for more before it
   * publishes (default 0). Under load a lane is busy and gathers the batches that
   * commit meanwhile anyway; at light load each batch would otherwise be a call of its
   * own, and a call, its consumer's receive and its invocation for one order each.
   */
  readonly gatherMs?: number;
}

/** Publishes `prepared` through every one of the sink's lanes at once (a republication). */
export async function sendEverywhere<P>(sink: BatchSink<P>, prepared: readonly P[]): Promise<void> {
  await Promise.all([sink.send(prepared), ...(sink.sendAlso ?? []).map((send) => send(prepared))]);
}

/** What one batch did. */
export interface BatchOutcome {
  readonly received: number;
  /** From receipt to published, and of that the journal append; 0 for an empty receive. */
  readonly processMs: number;
  readonly journalMs: number;
  readonly applied: number;
  readonly redelivered: number;
  readonly lastSeq: number;
}

/** A batch between its append and its publication. */
export interface Committed<P> {
  readonly messages: readonly Message[];
  readonly prepared: P;
  readonly receivedAt: number;
  readonly applied: number;
  readonly lastSeq: number;
  journalMs: number;
}

/** Committed batches waiting to be published before sequencing pauses. */
export const MAX_OUTBOX = 8;

export interface OutboxOptions<P> {
  /** `orders.fifo`'s client, for the deletes. */
  readonly queue: QueueClient;
  readonly queueUrl: string;
  readonly sink: BatchSink<P>;
  /** The last sequence already published (from recovery). */
  readonly publishedSeq: number;
  /** Told whenever a publication ends. */
  readonly wakeUps: WakeUps;
  /** Whether the sequencer has failed: nothing more is published. */
  readonly failed: () => boolean;
  /** Told of a failed delete or publication. */
  readonly fail: (error: unknown) => void;
}

/**
 * The committed batches, published in sequence order by independent lanes: the deletes
 * of their messages, the sink's {@link BatchSink.send}, and each of its
 * {@link BatchSink.sendAlso}. Each lane takes the batches in order, one publication at
 * a time, and coalesces whatever committed meanwhile into its next one (a `sendAlso`
 * lane found idle first gathers for {@link BatchSink.gatherMs}); no lane waits
 * for another, since each needs only the commit: a batch published whose delete then
 * fails is redelivered and answered from the journal, and a reply on Redis need not
 * wait for a queue's round trip. A batch counts as published once every lane has
 * taken it.
 */
export class Outbox<P> {
  private readonly lanes: Lane<P>[];
  /** Batches not yet through every lane, in order. */
  private readonly pending: Committed<P>[] = [];
  /** Batches through every lane since this outbox began. */
  private publishedCount = 0;
  private published: number;
  /** Told of each batch once it is published, in order. */
  onPublished: ((outcome: BatchOutcome) => void) | undefined;

  constructor(options: OutboxOptions<P>) {
    this.published = options.publishedSeq;
    const { queue, queueUrl, sink } = options;
    const done = () => this.done();
    // The deletes are not held back: deleting a message is what lets SQS hand out the
    // next command of its account (its FIFO group).
    this.lanes = [
      new Lane(
        (batches) =>
          deleteMessages(
            queue,
            queueUrl,
            batches.flatMap((b) => b.messages),
          ),
        0,
        options,
        done,
      ),
      new Lane((batches) => sink.send(batches.map((b) => b.prepared)), 0, options, done),
      ...(sink.sendAlso ?? []).map(
        (send) =>
          new Lane((batches) => send(batches.map((b) => b.prepared)), sink.gatherMs ?? 0, options, done),
      ),
    ];
  }

  /** Every journaled command up to here has been published. */
  get publishedSeq(): number {
    return this.published;
  }

  /** Settles when the publications under way do (not those they start); null when none is. */
  get sending(): Promise<void> | null {
    const running = this.lanes.flatMap((lane) => (lane.current === null ? [] : [lane.current]));
    return running.length === 0 ? null : Promise.all(running).then(() => undefined);
  }

  /** The publication to wait for before sequencing more: set while a lane has {@link MAX_OUTBOX} batches waiting. */
  get blocking(): Promise<void> | null {
    for (const lane of this.lanes)
      if (lane.waiting.length >= MAX_OUTBOX && lane.current !== null) return lane.current;
    return null;
  }

  /** Queues a committed batch on every lane and starts the lanes that are idle. */
  add(committed: Committed<P>): void {
    this.pending.push(committed);
    for (const lane of this.lanes) lane.add(committed);
  }

  /** A lane took more batches: publish, in order, those every lane has taken. */
  private done(): void {
    const taken = Math.min(...this.lanes.map((lane) => lane.taken));
    const now = performance.now();
    while (this.publishedCount < taken) {
      const batch = this.pending.shift() as Committed<P>;
      this.publishedCount += 1;
      this.published = batch.lastSeq;
      this.onPublished?.({
        received: batch.messages.length,
        processMs: now - batch.receivedAt,
        journalMs: batch.journalMs,
        applied: batch.applied,
        redelivered: batch.messages.length - batch.applied,
        lastSeq: batch.lastSeq,
      });
    }
  }
}

/** One lane of the {@link Outbox}: its batches in order, one publication at a time. */
class Lane<P> {
  readonly waiting: Committed<P>[] = [];
  current: Promise<void> | null = null;
  /** Batches this lane has published since it began. */
  taken = 0;
  /** Ends the gathering under way early. */
  private gathered: (() => void) | undefined;

  constructor(
    private readonly send: (batches: readonly Committed<P>[]) => Promise<void>,
    /** How long the lane, found idle, waits for more batches before it publishes. */
    private readonly gatherMs: number,
    private readonly options: OutboxOptions<P>,
    private readonly took: () => void,
  ) {}

  add(committed: Committed<P>): void {
    this.waiting.push(committed);
    // Enough to send: sequencing must never pause behind a lane that is only waiting.
    if (this.waiting.length >= MAX_OUTBOX / 2) this.gathered?.();
    this.kick();
  }

  private kick(): void {
    if (this.current !== null || this.options.failed()) return;
    this.current = this.sendWaiting()
      .catch((error: unknown) => this.options.fail(error))
      .finally(() => {
        this.current = null;
        this.options.wakeUps.notify();
        if (this.waiting.length > 0) this.kick();
      });
  }

  private async sendWaiting(): Promise<void> {
    if (this.gatherMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.gathered?.(), this.gatherMs);
        this.gathered = () => {
          clearTimeout(timer);
          this.gathered = undefined;
          resolve();
        };
      });
    }
    while (this.waiting.length > 0 && !this.options.failed()) {
      const batches = this.waiting.splice(0);
      await this.send(batches);
      this.taken += batches.length;
      this.took();
    }
  }
}
