import { type ExecutionResult, isRejection, type MarketRegistry, toEngineCommand } from '@exchange/protocol';
import { Engine, type EngineOptions } from '../../core/index.js';
import { type EventsMessage, eventsMessagesOf } from '../publish/events-queue-publisher.js';
import { type AddressedReply, type JournaledCommand, replyToOf } from '../publish/journaled-command.js';
import type { Journal, JournalRecord } from './journal.js';
import { JournalError, journalBatches } from './journal.js';
import type { SnapshotStore } from './snapshot-store.js';

/** The engine rebuilt from storage. */
export interface Recovered {
  readonly engine: Engine;
  /** The last journal seq the engine includes (0 for an empty journal); the next command gets a higher one. */
  readonly lastSeq: number;
  /** Journal entries after the snapshot executed again by the engine. */
  readonly replayed: number;
  /** Journal entries after the snapshot skipped as protocol-level rejections. */
  readonly skipped: number;
  /** The journal seq of the snapshot started from, or `null` when there was none. */
  readonly snapshotSeq: number | null;
}

export interface RecoverOptions {
  readonly engineOptions?: EngineOptions;
  /** Journal rows per page. Default 10,000. */
  readonly pageSize?: number;
  /** Pages requested ahead, each on its own pool connection. Default 2. */
  readonly prefetch?: number;
  /**
   * Start from the newest snapshot at or before this seq (default: the newest), so
   * that every entry after it is replayed and reported to `onReplayed`.
   */
  readonly snapshotAtOrBefore?: number;
  /** Told of every entry after the snapshot, with the engine's result (`null` when skipped). */
  readonly onReplayed?: (entry: JournalRecord, result: ExecutionResult | null) => void;
}

/** Replay met a journal entry it cannot reproduce: the configuration no longer matches the journal. */
export class ReplayError extends JournalError {
  override name = 'ReplayError';
}

/**
 * Rebuilds the engine: the newest snapshot (or a fresh engine when there is none, or
 * when `snapshots` is `null`), then every journal entry after it, in seq order, with
 * its journaled seq and time — exactly the processing it first had. An entry the
 * protocol refused (`applied = false`) consumed its seq without reaching the engine,
 * and is skipped again, without converting its command.
 * @throws ReplayError when an applied entry no longer converts to an engine command
 *
 * @example
 * const { engine, lastSeq } = await recover(registry, new Journal(pool), new SnapshotStore(pool));
 */
export async function recover(
  registry: MarketRegistry,
  journal: Journal,
  snapshots: SnapshotStore | null,
  options: RecoverOptions = {},
): Promise<Recovered> {
  const newest = snapshots === null ? undefined : await snapshots.loadNewest(options.snapshotAtOrBefore);
  const engine =
    newest === undefined
      ? new Engine(registry, options.engineOptions)
      : Engine.restore(registry, newest.snapshot, options.engineOptions);
  const snapshotSeq = newest?.seq ?? null;
  let lastSeq = snapshotSeq ?? 0;
  let replayed = 0;
  let skipped = 0;
  for await (const page of journal.readPagesAfter(lastSeq, options.pageSize, options.prefetch)) {
    for (const entry of page) {
      lastSeq = entry.seq;
      if (!entry.applied) {
        skipped++;
        options.onReplayed?.(entry, null);
        continue;
      }
      const command = toEngineCommand(entry.command, registry);
      if (isRejection(command)) {
        throw new ReplayError(`journal seq ${entry.seq} was executed but now converts to ${command.code}`);
      }
      const result = engine.execute(command, entry.seq, entry.time);
      options.onReplayed?.(entry, result);
      replayed++;
    }
  }
  return { engine, lastSeq, replayed, skipped, snapshotSeq };
}

/**
 * What a restart publishes again: the commands journaled after the last sequence
 * recorded as published. A crash between a journal commit and its publication leaves
 * them; events.fifo drops repeats by sequence, replies and market data may reach
 * Redis twice.
 */
export interface Republication {
  /** The first and last sequence republished. */
  readonly from: number;
  readonly to: number;
  /** The executed commands, with the inbox each named: published to Redis at once, read models from the state now. */
  readonly executed: JournaledCommand[];
  /** The journaled replies of the commands the protocol refused, to the inbox each named. */
  readonly replies: AddressedReply[];
  /** The events.fifo messages, packed batch by batch as first sent, so SQS drops what did go out. */
  readonly events: EventsMessage[];
}

/** The engine rebuilt for a restarting service, with what it must publish again. */
export interface Restart extends Recovered {
  /** Results after `tradesSince` (and after the snapshot) that traded: they refill the 24 h tickers. */
  readonly recentTrades: ExecutionResult[];
  /** What to publish before anything else; `undefined` when everything journaled was published. */
  readonly republication: Republication | undefined;
}

export interface RestartOptions {
  /** The last sequence recorded as published (`JournalFence.publishedSeq`). */
  readonly publishedSeq: number;
  /** Trades of results at or after this `time` are kept for the tickers. */
  readonly tradesSince: number;
}

/**
 * {@link recover} for a restarting engine service: it starts from the newest snapshot
 * at or before the published sequence, so every command journaled after it is
 * replayed and can be published again, and keeps the recent trades for the tickers
 * (those before the snapshot do not come back: the ticker then starts from it).
 *
 * @example
 * const restart = await recoverForRestart(registry, journal, snapshots, {
 *   publishedSeq: await fence.publishedSeq(),
 *   tradesSince: Date.now() - 86_400_000,
 * });
 */
export async function recoverForRestart(
  registry: MarketRegistry,
  journal: Journal,
  snapshots: SnapshotStore,
  { publishedSeq, tradesSince }: RestartOptions,
): Promise<Restart> {
  const unpublished: { entry: JournalRecord; result: ExecutionResult | null }[] = [];
  const recentTrades: ExecutionResult[] = [];
  const recovered = await recover(registry, journal, snapshots, {
    snapshotAtOrBefore: publishedSeq,
    onReplayed: (entry, result) => {
      if (entry.seq > publishedSeq)
        unpublished.push({ entry, result }); // counted when republished
      else if (
        result !== null &&
        entry.time >= tradesSince &&
        result.events.some((e) => e.type === 'TRADE')
      ) {
        recentTrades.push(result);
      }
    },
  });
  if (unpublished.length === 0) return { ...recovered, recentTrades, republication: undefined };

  const refused = unpublished.filter((u) => u.result === null).map((u) => u.entry.requestId);
  const earlier = await journal.findByRequestIds(refused);
  const replies: AddressedReply[] = [];
  for (const { entry, result } of unpublished) {
    const reply = result === null ? earlier.get(entry.requestId)?.reply : undefined;
    if (reply !== undefined) replies.push({ reply, replyTo: replyToOf(entry.command) });
  }
  // Batch by batch, as first journaled: each batch's events are packed as they first were.
  const batches = journalBatches(unpublished, (u) => u.entry.time).map((batch) =>
    batch.flatMap(({ entry, result }): JournaledCommand[] =>
      result === null
        ? []
        : [
            {
              requestId: entry.requestId,
              accountId: entry.accountId as string,
              replyTo: replyToOf(entry.command),
              result,
            },
          ],
    ),
  );
  const executed = batches.flat();
  const events = batches.flatMap((batch) => eventsMessagesOf(batch, registry));
  return {
    ...recovered,
    recentTrades,
    republication: { from: publishedSeq + 1, to: recovered.lastSeq, executed, replies, events },
  };
}
