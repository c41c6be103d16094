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
 * The committed batches, published in sequence order: each one's messages deleted ∥
 * its output sent, and whatever committed while a publication ran coalesced into the
 * next one. Both need only the commit, not each other: a batch published whose
 * delete then fails is redelivered and answered from the journal, so a reply never
 * waits for a queue round trip.
 */
export class Outbox<P> {
  private readonly waiting: Committed<P>[] = [];
  private current: Promise<void> | null = null;
  private published: number;
  /** Told of each batch once it is published, in order. */
  onPublished: ((outcome: BatchOutcome) => void) | undefined;

  constructor(private readonly options: OutboxOptions<P>) {
    this.published = options.publishedSeq;
  }

  /** Every journaled command up to here has been published. */
  get publishedSeq(): number {
    return this.published;
  }

  /** The publication under way, if any. */
  get sending(): Promise<void> | null {
    return this.current;
  }

  /** The publication to wait for before sequencing more: set while {@link MAX_OUTBOX} batches wait on it. */
  get blocking(): Promise<void> | null {
    return this.waiting.length >= MAX_OUTBOX ? this.current : null;
  }

  /** Queues a committed batch and starts publishing unless that is under way. */
  add(committed: Committed<P>): void {
    this.waiting.push(committed);
    this.kick();
  }

  private kick(): void {
    if (this.current !== null || this.options.failed()) return;
    this.current = this.publishWaiting()
      .catch((error: unknown) => this.options.fail(error))
      .finally(() => {
        this.current = null;
        this.options.wakeUps.notify();
        if (this.waiting.length > 0) this.kick();
      });
  }

  /** Deletes and publishes committed batches, in order, all that are waiting at a time. */
  private async publishWaiting(): Promise<void> {
    const { queue, queueUrl, sink, failed } = this.options;
    while (this.waiting.length > 0 && !failed()) {
      const batches = this.waiting.splice(0);
      await Promise.all([
        deleteMessages(
          queue,
          queueUrl,
          batches.flatMap((b) => b.messages),
        ),
        sink.send(batches.map((b) => b.prepared)),
      ]);
      const last = batches.at(-1) as Committed<P>;
      this.published = last.lastSeq;
      const now = performance.now();
      for (const b of batches) {
        this.onPublished?.({
          received: b.messages.length,
          processMs: now - b.receivedAt,
          journalMs: b.journalMs,
          applied: b.applied,
          redelivered: b.messages.length - b.applied,
          lastSeq: b.lastSeq,
        });
      }
    }
  }
}
