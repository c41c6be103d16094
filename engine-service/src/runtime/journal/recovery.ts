import { type ExecutionResult, isRejection, type MarketRegistry, toEngineCommand } from '@exchange/protocol';
import { Engine, type EngineOptions } from '../../core/index.js';
import type { Journal, JournalRecord } from './journal.js';
import { JournalError } from './journal.js';
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
