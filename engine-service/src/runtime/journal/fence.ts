/**
 * The journal's fence: the `engine_fence` row in PostgreSQL, the one place that knows
 * the newest fencing token any engine has been given or has journaled with.
 *
 * Redis hands out the lease, but Redis here keeps nothing on disk and ElastiCache can
 * fail over to an empty node: a token counted only in Redis starts again at 1 while
 * the journal remembers more, and every write of the new engine would be refused. So
 * the token that guards the journal is raised here, inside PostgreSQL, when the lease
 * is taken: it is strictly greater than every token this row has seen, whatever Redis
 * holds, and raising it fences out a deposed engine at once (its next append carries
 * an older token and writes nothing, see `Journal.append`).
 *
 * The row also records how far the engine has published (`published_seq`): every
 * fenced append stores it, and a restart republishes what the journal holds after it.
 */
import type pg from 'pg';
import type { Fence } from '../lease/lease-options.js';

// One statement, one row lock: of two engines raising at once, each gets its own token.
const RAISE = `
  UPDATE engine_fence SET fencing_token = GREATEST(fencing_token + 1, $1)
  RETURNING fencing_token`;

/**
 * The fence over one database's `engine_fence` row.
 *
 * @example
 * const lease = new Lease({ redis, key: 'engine:lease', fence: new JournalFence(pool) });
 * const token = await lease.acquire(); // > every token the journal has seen
 */
export class JournalFence implements Fence {
  constructor(private readonly pool: pg.Pool) {}

  /** Raises the stored token to more than it was and at least `atLeast`; returns it. */
  async raise(atLeast: number): Promise<number> {
    const { rows } = await this.pool.query<{ fencing_token: string }>(RAISE, [atLeast]);
    const row = rows[0];
    if (row === undefined) throw new Error('engine_fence has no row: run the engine migrations');
    return Number(row.fencing_token);
  }

  /** The last sequence recorded as published; 0 when none was. */
  async publishedSeq(): Promise<number> {
    const { rows } = await this.pool.query<{ published_seq: string }>(
      'SELECT published_seq FROM engine_fence',
    );
    return Number(rows[0]?.published_seq ?? 0);
  }

  /** Records that everything up to `seq` is published, unless a writer newer than `token` has journaled. */
  async markPublished(token: number, seq: number): Promise<void> {
    await this.pool.query('UPDATE engine_fence SET published_seq = $2 WHERE fencing_token <= $1', [
      token,
      seq,
    ]);
  }
}
