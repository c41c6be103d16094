import type pg from 'pg';
import type { EngineSnapshot } from '../../core/index.js';
import { stringifyInSlices } from './sliced-json.js';

/** A snapshot as stored: the engine state after the journal entry `seq`. */
export interface StoredSnapshot {
  /** The journal seq the state includes; replay resumes after it. */
  readonly seq: number;
  readonly takenAt: Date;
  readonly snapshot: EngineSnapshot;
}

export interface SnapshotStoreOptions {
  /** How many of the newest snapshots `save` keeps. Default 3. */
  readonly keep?: number;
}

/**
 * Engine snapshots in PostgreSQL (`engine_snapshots`), JSON as text, keyed by the
 * journal seq they include.
 *
 * Why the seq is the journal's and not `snapshot.lastSeq`: a command the protocol
 * refused consumes a journal seq without reaching the engine, so the engine's own
 * sequence can lag the journal's.
 *
 * @example
 * const store = new SnapshotStore(pool, { keep: 3 });
 * await store.save(journalSeq, engine.snapshot());
 * const newest = await store.loadNewest();
 */
export class SnapshotStore {
  readonly keep: number;

  constructor(
    private readonly pool: pg.Pool,
    options: SnapshotStoreOptions = {},
  ) {
    this.keep = options.keep ?? 3;
    if (!Number.isSafeInteger(this.keep) || this.keep < 1) throw new Error('keep must be a positive integer');
  }

  /**
   * Serialises the snapshot a slice at a time (yielding to the event loop), stores it,
   * and prunes all but the newest {@link SnapshotStore.keep}. Saving the same seq
   * again keeps the first: the state after a seq is always the same.
   */
  async save(seq: number, snapshot: EngineSnapshot): Promise<void> {
    const state = await stringifyInSlices(snapshot);
    await this.pool.query(
      'INSERT INTO engine_snapshots (seq, state) VALUES ($1, $2) ON CONFLICT (seq) DO NOTHING',
      [seq, state],
    );
    await this.prune();
  }

  /** The snapshot with the highest seq, or `undefined` when there is none. */
  async loadNewest(atOrBefore: number = Number.MAX_SAFE_INTEGER): Promise<StoredSnapshot | undefined> {
    const { rows } = await this.pool.query<{ seq: string; taken_at: Date; state: string }>(
      'SELECT seq, taken_at, state FROM engine_snapshots WHERE seq <= $1 ORDER BY seq DESC LIMIT 1',
      [atOrBefore],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { seq: Number(row.seq), takenAt: row.taken_at, snapshot: JSON.parse(row.state) as EngineSnapshot };
  }

  /** The stored seqs, newest first. */
  async list(): Promise<number[]> {
    const { rows } = await this.pool.query<{ seq: string }>(
      'SELECT seq FROM engine_snapshots ORDER BY seq DESC',
    );
    return rows.map((r) => Number(r.seq));
  }

  /**
   * Deletes all but the newest `keep` snapshots.
   * @returns how many were deleted
   */
  async prune(keep: number = this.keep): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM engine_snapshots
       WHERE seq < (SELECT min(seq) FROM (SELECT seq FROM engine_snapshots ORDER BY seq DESC LIMIT $1) AS newest)`,
      [keep],
    );
    return result.rowCount ?? 0;
  }
}
