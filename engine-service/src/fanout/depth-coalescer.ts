/**
 * Merges a market's depth diffs (the engine's `md:depth@{market}` messages, one per
 * batch) over an interval into one diff. Pure.
 *
 * A merged diff holds each changed level once, at its newest quantity (`"0"`: gone),
 * and the update ids it spans: `firstUpdateId` of its first diff and `lastUpdateId` of
 * its last, so consecutive merged diffs chain exactly (`first = previous last + 1`).
 * When the incoming diffs themselves skip an id (the fan-out missed a message), the
 * pending merge is closed first, so the gap shows to clients instead of hiding inside
 * a merge. A diff that overlaps what was seen (a batch published again after an
 * engine restart) is merged for its part beyond: its levels are the newest values.
 */
import type { DepthDiff } from '@exchange/protocol';
import { compareDecimal } from '@exchange/protocol';

/** A merged diff. Bids best (highest) first, asks best (lowest) first. */
export interface MergedDepth {
  readonly market: string;
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  /** Engine sequence and time of the newest diff merged. */
  readonly seq: number;
  readonly time: number;
  readonly bids: [price: string, quantity: string][];
  readonly asks: [price: string, quantity: string][];
}

interface Pending {
  readonly first: number;
  last: number;
  seq: number;
  time: number;
  readonly bids: Map<string, string>;
  readonly asks: Map<string, string>;
}

/**
 * @example
 * const merge = new DepthCoalescer();
 * merge.add(diff1); merge.add(diff2);
 * merge.take(); // { firstUpdateId: diff1.firstUpdateId, lastUpdateId: diff2.lastUpdateId, … }
 */
export class DepthCoalescer {
  private pending: Pending | undefined;
  private lastSeen = 0;

  constructor(readonly market: string) {}

  /** Whether a merge is waiting to be taken. */
  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Adds one diff. Returns the merge it closed when the diff does not follow the
   * pending merge's last id (emit that first), else undefined. Diffs wholly at or
   * below the last id seen (redelivered) are ignored.
   */
  add(diff: DepthDiff): MergedDepth | undefined {
    if (diff.lastUpdateId <= this.lastSeen) return undefined;
    const first = Math.max(diff.firstUpdateId, this.lastSeen + 1);
    this.lastSeen = diff.lastUpdateId;
    let closed: MergedDepth | undefined;
    if (this.pending !== undefined && first !== this.pending.last + 1) closed = this.take();
    let pending = this.pending;
    if (pending === undefined) {
      pending = {
        first,
        last: diff.lastUpdateId,
        seq: diff.seq,
        time: diff.time,
        bids: new Map(),
        asks: new Map(),
      };
      this.pending = pending;
    }
    pending.last = diff.lastUpdateId;
    pending.seq = diff.seq;
    pending.time = diff.time;
    for (const [price, quantity] of diff.bids) pending.bids.set(price, quantity);
    for (const [price, quantity] of diff.asks) pending.asks.set(price, quantity);
    return closed;
  }

  /** The pending merge, sorted, and starts a new one; undefined when nothing changed. */
  take(): MergedDepth | undefined {
    const pending = this.pending;
    if (pending === undefined) return undefined;
    this.pending = undefined;
    return {
      market: this.market,
      firstUpdateId: pending.first,
      lastUpdateId: pending.last,
      seq: pending.seq,
      time: pending.time,
      bids: [...pending.bids].sort((a, b) => compareDecimal(b[0], a[0])),
      asks: [...pending.asks].sort((a, b) => compareDecimal(a[0], b[0])),
    };
  }
}
