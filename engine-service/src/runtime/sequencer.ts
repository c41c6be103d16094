/**
 * The engine's one loop, pipelined: receive from `orders.fifo` → look up request ids
 * in the journal → sequence and apply → journal → delete ∥ publish.
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
 * {@link MAX_MERGED_RECEIVES}): under load the batches grow, and every per-batch cost
 * (lookup, append, lease check, depth read models, calls to SQS) is shared by more
 * commands. The journal lookup of batch
 * k + 1 runs while batch k's append is in flight (on another pool connection), and
 * publishing (deletes, Redis, events.fifo) runs behind both, coalescing whatever
 * batches have committed meanwhile. So the engine's memory may be up to two batches
 * ahead of the journal: everything read from the engine for publishing is built when
 * the batch is applied ({@link BatchSink.prepare}), and snapshots are copied then and
 * written once the journal catches up. A failed append, delete or publish stops the
 * loop with that error: the memory may then be ahead of the journal, and only a
 * restart (recovery) is safe.
 *
 * **Exactly once.** A request id already journaled is answered with its journaled
 * reply and not applied. Ids applied in the last {@link RECENT_REQUEST_IDS} commands
 * are also kept in memory, which covers the batches whose appends are still in flight
 * when a later lookup reads the journal.
 *
 * **FIFO groups.** SQS hands out no message of a group while an earlier one of that
 * group is in flight, so keeping receives ahead never reorders one account's commands.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { MarketRegistry, Reply } from '@exchange/protocol';
import type { QueueClient } from '@exchange/sqs-client';
import type { Engine } from '../core/index.js';
import { applyWireCommand } from './journal/apply-command.js';
import type { Journal, JournalEntry } from './journal/journal.js';
import type { AddressedReply, JournaledCommand } from './publish/journaled-command.js';

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
  /** Run before each append, while the batch is looked up: the lease's check; throwing stops the loop. */
  readonly checkLease?: () => Promise<unknown>;
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

/** Request ids of this many recent commands are kept in memory for deduplication. */
export const RECENT_REQUEST_IDS = 10_000;
/** Appends in flight at once: one committing, one waiting for it. */
const MAX_PENDING_APPENDS = 2;
/**
 * Received batches merged into one journal batch when they are waiting (up to 80
 * commands). Measured in bench:engine-service: 2 receivers merging 3 gave about 19
 * commands per batch, 4 merging 8 about 33, and a tenth more commands/s.
 */
const MAX_MERGED_RECEIVES = 8;
/** Received batches waiting before receivers pause. */
const MAX_INBOX = 8;
/** Committed batches waiting to be published before sequencing pauses. */
const MAX_OUTBOX = 8;
/** SQS's limit of entries per `DeleteMessageBatch`. */
const DELETE_BATCH = 10;
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

/** A batch between its append and its publication. */
interface Committed<P> {
  readonly messages: readonly Message[];
  readonly prepared: P;
  readonly receivedAt: number;
  readonly applied: number;
  readonly lastSeq: number;
  journalMs: number;
}

/** A promise that the next {@link Changes.notify} resolves: how the loop and its receivers wake each other. */
class Changes {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export class Sequencer<P = unknown> {
  private seq: number;
  /** The last batch's `time`: each batch's is later, so a journal batch is a run of one `time`. */
  private time: number;
  /** Every journaled command up to here has been published. */
  private published: number;
  private readonly now: () => number;
  /** Request id → reply of the last {@link RECENT_REQUEST_IDS} commands sequenced. */
  private readonly recent = new Map<string, Reply>();
  /** Appends not yet settled, oldest first; each chains on the one before. */
  private pendingAppends: Promise<void>[] = [];
  private journalTail: Promise<void> = Promise.resolve();
  private readonly outbox: Committed<P>[] = [];
  private sending: Promise<void> | null = null;
  private failure: { readonly error: unknown } | null = null;
  private readonly changes = new Changes();
  private onPublished: ((outcome: BatchOutcome) => void) | undefined;
  /** Cuts {@link run}'s receives short (on a failure). */
  private stopReceiving: AbortController | undefined;

  constructor(private readonly options: SequencerOptions<P>) {
    this.seq = options.lastSeq;
    this.time = options.lastTime ?? 0;
    this.published = options.lastSeq;
    this.now = options.now ?? Date.now;
  }

  /** The last sequence applied (perhaps not yet journaled). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The last sequence whose batch was fully published; the service makes it durable. */
  get publishedSeq(): number {
    return this.published;
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
    this.onPublished = onBatch;
    const stop = new AbortController();
    this.stopReceiving = stop;
    const wake = () => this.changes.notify();
    signal.addEventListener('abort', wake, { once: true });
    const inbox: { messages: Message[]; receivedAt: number }[] = [];
    let receiving = this.options.receivers ?? 4;

    const receiver = async (): Promise<void> => {
      try {
        while (!signal.aborted && !stop.signal.aborted) {
          if (inbox.length >= MAX_INBOX) {
            await this.changes.wait();
            continue;
          }
          const messages = await this.receive(stop.signal);
          if (messages.length > 0) inbox.push({ messages, receivedAt: performance.now() });
          this.changes.notify();
        }
      } catch (error) {
        // An aborted long poll is how a failure interrupts it.
        if (!stop.signal.aborted) this.fail(error);
      } finally {
        receiving -= 1;
        this.changes.notify();
      }
    };
    const receivers = Array.from({ length: receiving }, receiver);

    try {
      for (;;) {
        this.throwIfFailed();
        if (inbox.length === 0) {
          if (receiving === 0) break;
          await this.changes.wait();
          continue;
        }
        const taken = inbox.splice(0, MAX_MERGED_RECEIVES);
        this.changes.notify();
        await this.sequence(
          taken.flatMap((t) => t.messages),
          (taken[0] as { receivedAt: number }).receivedAt,
        );
      }
      await this.flush();
    } finally {
      stop.abort();
      signal.removeEventListener('abort', wake);
      this.changes.notify();
      await Promise.all(receivers);
      this.onPublished = undefined;
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
    this.onPublished = (o) => {
      outcome = o;
    };
    try {
      await this.sequence(messages, performance.now());
      await this.flush();
    } finally {
      this.onPublished = undefined;
    }
    return outcome as BatchOutcome;
  }

  /** Waits until everything sequenced is journaled and published. @throws the first failure */
  async flush(): Promise<void> {
    await this.journalTail.catch(() => undefined);
    while (this.sending !== null) await this.sending;
    this.throwIfFailed();
  }

  private async receive(signal?: AbortSignal): Promise<Message[]> {
    return this.options.queue.receiveMessage(
      {
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber'],
      },
      signal,
    );
  }

  /**
   * Looks up, applies and prepares one batch, and chains its append. Resolves once
   * the append is under way; first waits while too many appends or publications are.
   */
  private async sequence(messages: readonly Message[], receivedAt: number): Promise<void> {
    while (this.pendingAppends.length >= MAX_PENDING_APPENDS) await this.pendingAppends[0];
    while (this.outbox.length >= MAX_OUTBOX && this.sending !== null) await this.sending;
    this.throwIfFailed();

    const { journal, engine, registry, sink } = this.options;
    const leaseChecked = this.options.checkLease?.();
    // Awaited by the append below; until then its failure must not count as unhandled.
    leaseChecked?.catch(() => undefined);
    const commands = messages.map(readCommand);
    const known = await journal.findByRequestIds(
      commands.filter((c) => !this.recent.has(c.requestId)).map((c) => c.requestId),
    );

    const entries: JournalEntry[] = [];
    const executed: JournaledCommand[] = [];
    const replies: AddressedReply[] = [];
    // Strictly later than the batch before, even within one millisecond or when the
    // clock steps back: the journal's runs of equal `time` are its batches, which a
    // restart republishes as they were (see events-queue-publisher.ts).
    const time = Math.max(this.now(), this.time + 1);
    this.time = time;
    for (const { requestId, replyTo, wire } of commands) {
      const earlier = this.recent.get(requestId) ?? known.get(requestId)?.reply;
      if (earlier !== undefined) {
        // Redelivered, or sent twice: answer again (to the inbox named this time), apply never.
        replies.push({ reply: earlier, replyTo });
        continue;
      }
      this.seq += 1;
      const done = applyWireCommand(engine, registry, wire, this.seq, time, requestId);
      entries.push(done.entry);
      this.remember(requestId, done.entry.reply);
      if (done.result === null) replies.push({ reply: done.entry.reply, replyTo });
      else
        executed.push({
          requestId,
          accountId: done.entry.accountId as string,
          result: done.result,
          reply: done.entry.reply,
          replyTo,
        });
    }
    const committed: Committed<P> = {
      messages,
      prepared: sink.prepare(executed, replies),
      receivedAt,
      applied: entries.length,
      lastSeq: this.seq,
      journalMs: 0,
    };

    const previous = this.journalTail;
    const append = (async () => {
      await previous;
      await leaseChecked;
      const started = performance.now();
      const token = this.options.fencingToken;
      await journal.append(
        entries,
        token === undefined ? {} : { fence: { token, publishedSeq: this.published } },
      );
      committed.journalMs = performance.now() - started;
    })();
    this.journalTail = append;
    this.pendingAppends.push(append);
    this.options.afterApplied?.(committed.lastSeq, append);
    append.then(
      () => {
        this.outbox.push(committed);
        this.kickSender();
      },
      (error: unknown) => this.fail(error),
    );
    append
      .catch(() => undefined)
      .finally(() => {
        this.pendingAppends = this.pendingAppends.filter((p) => p !== append);
      });
  }

  private remember(requestId: string, reply: Reply): void {
    this.recent.set(requestId, reply);
    if (this.recent.size > RECENT_REQUEST_IDS) {
      this.recent.delete(this.recent.keys().next().value as string);
    }
  }

  /** Starts publishing the outbox unless that is under way. */
  private kickSender(): void {
    if (this.sending !== null || this.failure !== null) return;
    this.sending = this.sendOutbox()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.sending = null;
        this.changes.notify();
        if (this.outbox.length > 0) this.kickSender();
      });
  }

  /** Deletes and publishes committed batches, in order, all that are waiting at a time. */
  private async sendOutbox(): Promise<void> {
    while (this.outbox.length > 0 && this.failure === null) {
      const batches = this.outbox.splice(0);
      // Both need only the commit, not each other: a batch published whose delete then
      // fails is redelivered and answered from the journal, so a reply never waits for
      // a queue round trip.
      await Promise.all([
        this.delete(batches.flatMap((b) => b.messages)),
        this.options.sink.send(batches.map((b) => b.prepared)),
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

  private async delete(messages: readonly Message[]): Promise<void> {
    const chunks: Message[][] = [];
    for (let i = 0; i < messages.length; i += DELETE_BATCH) chunks.push(messages.slice(i, i + DELETE_BATCH));
    const answers = await Promise.all(
      chunks.map((chunk) =>
        this.options.queue.deleteMessageBatch({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      ),
    );
    // A message whose delete failed comes back later and is answered from the journal;
    // so does one whose receipt handle expired because it was handed out again.
    const failed = answers.flatMap((a) => a.Failed ?? []);
    if (failed.some((f) => f.SenderFault === true && f.Code !== 'ReceiptHandleIsInvalid')) {
      throw new Error(`deleting ${failed.length} journaled message(s) failed: ${failed[0]?.Message ?? ''}`);
    }
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.stopReceiving?.abort();
    this.changes.notify();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}

/**
 * A queue message as a wire command with its request id (the deduplication id if the
 * body has none) and the inbox its reply goes to, if it names one.
 */
function readCommand(message: Message): { requestId: string; replyTo: string | undefined; wire: unknown } {
  let wire: unknown;
  try {
    wire = JSON.parse(message.Body ?? '');
  } catch {
    wire = message.Body ?? null;
  }
  const fromBody =
    typeof wire === 'object' && wire !== null ? (wire as { requestId?: unknown }).requestId : undefined;
  const requestId =
    typeof fromBody === 'string' && fromBody.length > 0
      ? fromBody
      : (message.Attributes?.MessageDeduplicationId ?? message.MessageId ?? 'unknown');
  const inbox =
    typeof wire === 'object' && wire !== null ? (wire as { replyTo?: unknown }).replyTo : undefined;
  const replyTo = typeof inbox === 'string' && inbox.length > 0 ? inbox : undefined;
  return { requestId, replyTo, wire };
}
