/**
 * The engine's one loop, pipelined: receive from `orders.fifo` → look up request ids
 * in the journal → sequence and apply → journal → delete ∥ publish. Its stages live
 * in `sequencer/`: the receivers and their inbox (`receivers.ts`), parsing
 * (`read-command.ts`), the de-duplication window (`recent-requests.ts`), the batch
 * applier (`apply-batch.ts`), the appends in flight (`journal-chain.ts`) and the
 * publication of committed batches (`outbox.ts`, `delete-messages.ts`); this file
 * wires them in that order.
 *
 * **What must stay ordered, and does.** Commands are applied one at a time in the
 * order received; journal appends commit in sequence order (each waits for the one
 * before); a batch's messages are deleted and its output published only after its
 * append committed, and batches are published in sequence order. Nothing is visible
 * outside the engine, and nothing leaves the queue, before the journal holds it: a
 * crash at any instant either loses a batch from memory only (SQS redelivers it; the
 * journal shows it was never applied) or finds it journaled (a redelivery is answered
 * from the journal).
 *
 * **What overlaps.** Four receives are kept in flight, and the received batches that
 * wait while the engine is busy are merged into one journal batch (up to
 * `MAX_MERGED_RECEIVES`): under load the batches grow, and every per-batch cost
 * (lookup, append, depth read models, calls to SQS) is shared by more
 * commands. The journal lookup of batch k + 1 runs while batch k's append is in
 * flight (on another pool connection), and publishing (deletes, Redis, events.fifo)
 * runs behind both, coalescing whatever batches have committed meanwhile. So the
 * engine's memory may be up to two batches ahead of the journal: everything read from
 * the engine for publishing is built when the batch is applied
 * ({@link BatchSink.prepare}), and snapshots are copied then and written once the
 * journal catches up. A failed append, delete or publish stops the loop with that
 * error: the memory may then be ahead of the journal, and only a restart (recovery)
 * is safe.
 *
 * **Exactly once.** A request id already journaled is answered with its journaled
 * reply and not applied. Ids applied in the last {@link RECENT_REQUEST_IDS} commands
 * are also kept in memory, which covers the batches whose appends are still in flight
 * when a later lookup reads the journal; a request made after everything the window
 * remembers began is not looked up at all (`recent-requests.ts`).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { MarketRegistry } from '@exchange/protocol';
import type { QueueClient } from '@exchange/sqs-client';
import type { Engine } from '../core/index.js';
import type { Journal } from './journal/journal.js';
import { applyBatch } from './sequencer/apply-batch.js';
import { JournalChain } from './sequencer/journal-chain.js';
import { type BatchOutcome, type BatchSink, type Committed, Outbox } from './sequencer/outbox.js';
import { readCommand } from './sequencer/read-command.js';
import { Receivers, receiveOrders } from './sequencer/receivers.js';
import { RecentRequests } from './sequencer/recent-requests.js';
import { WakeUps } from './sequencer/wake-ups.js';

export type { BatchOutcome, BatchSink } from './sequencer/outbox.js';
export { sendEverywhere } from './sequencer/outbox.js';
export { RECEIVE_VISIBILITY_SECONDS } from './sequencer/receivers.js';
export { RECENT_REQUEST_IDS } from './sequencer/recent-requests.js';

export interface SequencerOptions<P> {
  readonly engine: Engine;
  readonly registry: MarketRegistry;
  readonly journal: Journal;
  /** `orders.fifo`'s client: receives and deletes. */
  readonly queue: QueueClient;
  readonly queueUrl: string;
  readonly sink: BatchSink<P>;
  /** The single writer's fencing token: every append is fenced with it (see `AppendOptions.fence`). */
  readonly fencingToken?: number;
  /** Run right before each append (the lease's check); throwing or rejecting stops the loop. */
  readonly checkLease?: () => unknown;
  /** The last journaled sequence (from recovery). */
  readonly lastSeq: number;
  /** The `time` of the last journaled command (from recovery); 0 for an empty journal. */
  readonly lastTime?: number;
  /** Long-poll wait; SQS's maximum, 20 s, by default. */
  readonly waitTimeSeconds?: number;
  readonly now?: () => number;
  /** Told right after each batch is applied, with its append in flight (snapshots hang off this). */
  readonly afterApplied?: (lastSeq: number, journaled: Promise<void>) => void;
  /** Receives {@link Sequencer.run} keeps in flight. Default 4. */
  readonly receivers?: number;
}

export class Sequencer<P = unknown> {
  private seq: number;
  /** The last batch's `time`: each batch's is later, so a journal batch is a run of one `time`. */
  private time: number;
  private readonly now: () => number;
  private readonly recent: RecentRequests;
  private readonly appends = new JournalChain();
  private readonly outbox: Outbox<P>;
  private failure: { readonly error: unknown } | null = null;
  private readonly wakeUps = new WakeUps();
  /** Cuts {@link run}'s receives short (on a failure). */
  private stopReceiving: AbortController | undefined;

  constructor(private readonly options: SequencerOptions<P>) {
    this.seq = options.lastSeq;
    this.time = options.lastTime ?? 0;
    this.recent = new RecentRequests({ lastJournaledTime: options.lastTime });
    this.now = options.now ?? Date.now;
    this.outbox = new Outbox({
      queue: options.queue,
      queueUrl: options.queueUrl,
      sink: options.sink,
      publishedSeq: options.lastSeq,
      wakeUps: this.wakeUps,
      failed: () => this.failure !== null,
      fail: (error) => this.fail(error),
    });
  }

  /** The last sequence applied (perhaps not yet journaled). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The last sequence whose batch was fully published; the service makes it durable. */
  get publishedSeq(): number {
    return this.outbox.publishedSeq;
  }

  /**
   * Receives and sequences batches until `signal` aborts, then finishes what it
   * received (journal, delete, publish) and resolves. Stopping lets the receives in
   * flight come back (within the long-poll wait) and processes what they bring: a
   * long poll cut short can still be answered on the server, and its messages would
   * then stay invisible for the whole visibility timeout. After a failure, receives
   * are cut short.
   * @param onBatch told of each batch once it is published, in order
   * @throws the first failure of a receive, append, delete or publish
   */
  async run(signal: AbortSignal, onBatch?: (outcome: BatchOutcome) => void): Promise<void> {
    this.outbox.onPublished = onBatch;
    const stop = new AbortController();
    this.stopReceiving = stop;
    const wake = () => this.wakeUps.notify();
    signal.addEventListener('abort', wake, { once: true });
    const receivers = new Receivers({
      receive: (cut) => this.receive(cut),
      count: this.options.receivers ?? 4,
      signal,
      cut: stop.signal,
      wakeUps: this.wakeUps,
      onError: (error) => this.fail(error),
    });

    try {
      for (;;) {
        this.throwIfFailed();
        const taken = receivers.take();
        if (taken === undefined) {
          if (receivers.stopped) break;
          await this.wakeUps.wait();
          continue;
        }
        await this.sequence(taken.messages, taken.receivedAt);
      }
      await this.flush();
    } finally {
      stop.abort();
      signal.removeEventListener('abort', wake);
      this.wakeUps.notify();
      await receivers.finished();
      this.outbox.onPublished = undefined;
    }
  }

  /**
   * Receives one batch and takes it through every stage, publication included (for
   * tests and tools; the service uses {@link run}).
   */
  async runOnce(signal?: AbortSignal): Promise<BatchOutcome> {
    const messages = await this.receive(signal);
    if (messages.length === 0) {
      return { received: 0, processMs: 0, journalMs: 0, applied: 0, redelivered: 0, lastSeq: this.seq };
    }
    let outcome: BatchOutcome | undefined;
    this.outbox.onPublished = (o) => {
      outcome = o;
    };
    try {
      await this.sequence(messages, performance.now());
      await this.flush();
    } finally {
      this.outbox.onPublished = undefined;
    }
    return outcome as BatchOutcome;
  }

  /** Waits until everything sequenced is journaled and published. @throws the first failure */
  async flush(): Promise<void> {
    await this.appends.settled();
    while (this.outbox.sending !== null) await this.outbox.sending;
    this.throwIfFailed();
  }

  private receive(signal?: AbortSignal): Promise<Message[]> {
    return receiveOrders(
      this.options.queue,
      this.options.queueUrl,
      this.options.waitTimeSeconds ?? 20,
      signal,
    );
  }

  /**
   * Looks up, applies and prepares one batch, and chains its append. Resolves once
   * the append is under way; first waits while too many appends or publications are.
   */
  private async sequence(messages: readonly Message[], receivedAt: number): Promise<void> {
    while (this.appends.full) await this.appends.oldest;
    while (this.outbox.blocking !== null) await this.outbox.blocking;
    this.throwIfFailed();

    const { journal, engine, registry, sink } = this.options;
    const commands = messages.map(readCommand);
    const lookups: string[] = [];
    for (const { requestId } of commands) {
      if (this.recent.get(requestId) === undefined && !this.recent.surelyNew(requestId))
        lookups.push(requestId);
    }
    const known = await journal.findByRequestIds(lookups);

    // Strictly later than the batch before, even within one millisecond or when the
    // clock steps back: the journal's runs of equal `time` are its batches, which a
    // restart republishes as they were (see events-queue-publisher.ts).
    const time = Math.max(this.now(), this.time + 1);
    this.time = time;
    const { entries, executed, replies, lastSeq } = applyBatch(
      engine,
      registry,
      commands,
      this.recent,
      known,
      this.seq,
      time,
    );
    this.seq = lastSeq;
    const committed: Committed<P> = {
      messages,
      prepared: sink.prepare(executed, replies),
      receivedAt,
      applied: entries.length,
      lastSeq,
      journalMs: 0,
    };

    const previous = this.appends.tail;
    const append = (async () => {
      await previous;
      await this.options.checkLease?.();
      const started = performance.now();
      const token = this.options.fencingToken;
      await journal.append(
        entries,
        token === undefined ? {} : { fence: { token, publishedSeq: this.outbox.publishedSeq } },
      );
      committed.journalMs = performance.now() - started;
    })();
    this.appends.add(append);
    this.options.afterApplied?.(lastSeq, append);
    append.then(
      () => this.outbox.add(committed),
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.stopReceiving?.abort();
    this.wakeUps.notify();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
