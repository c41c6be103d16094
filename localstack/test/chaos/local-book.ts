/**
 * A client's local order book kept from a REST snapshot plus the stream's depth diffs,
 * as functions/src/ws/README.md ("Keeping an exact local order book") tells clients to:
 * buffer diffs, take a snapshot with `lastUpdateId` L, drop diffs with u ≤ L, then apply
 * each diff whose span `U..u` holds the next id; a diff that starts later is a gap and
 * the book starts over from a new snapshot. Pure: no socket, no clock.
 */
import { compareDecimal } from '@exchange/protocol';

/** `[price, quantity]`, decimal strings; quantity `"0"` removes the level. */
export type Level = readonly [string, string];

/** One `depth@{market}` message's data (native names: `firstUpdateId` = U, `lastUpdateId` = u). */
export interface DepthDiff {
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/** `GET /api/v3/depth`: the best levels per side and the update id they reflect. */
export interface DepthSnapshot {
  readonly lastUpdateId: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/** What a diff or snapshot did to the book. */
export type BookStep = 'applied' | 'buffered' | 'old' | 'gap' | 'live' | 'stale';

/** Levels kept per side in each remembered view: the REST snapshot holds 100, compared from the top. */
const VIEW_LEVELS = 50;
/** Views remembered, newest last, so a later snapshot can be compared with the view at its id. */
const HISTORY = 1_000;

export class LocalBook {
  private readonly bids = new Map<string, string>();
  private readonly asks = new Map<string, string>();
  private buffer: DepthDiff[] = [];
  /** The update id the book reflects; undefined while it waits for a snapshot. */
  private last: number | undefined;
  private readonly views = new Map<number, string>();
  /** Gaps seen in the stream (each sends the book back to a snapshot). */
  gaps = 0;
  /** Snapshots that were older than the stream's first buffered diff. */
  staleSnapshots = 0;

  /** Whether the book is in step with the stream. */
  get live(): boolean {
    return this.last !== undefined;
  }

  get lastUpdateId(): number | undefined {
    return this.last;
  }

  /** Takes one diff from the stream; `gap` means: fetch a snapshot (the book is waiting for one). */
  onDiff(diff: DepthDiff): BookStep {
    if (this.last === undefined) {
      this.buffer.push(diff);
      return 'buffered';
    }
    if (diff.lastUpdateId <= this.last) return 'old';
    if (diff.firstUpdateId > this.last + 1) {
      this.gaps++;
      this.reset();
      this.buffer.push(diff);
      return 'gap';
    }
    this.apply(diff);
    return 'applied';
  }

  /** Takes a REST snapshot; `stale` means it is older than the stream: fetch another. */
  onSnapshot(snapshot: DepthSnapshot): BookStep {
    if (this.last !== undefined) return 'old';
    const pending = this.buffer.filter((d) => d.lastUpdateId > snapshot.lastUpdateId);
    const first = pending[0];
    if (first !== undefined && first.firstUpdateId > snapshot.lastUpdateId + 1) {
      this.staleSnapshots++;
      this.buffer = pending;
      return 'stale';
    }
    this.bids.clear();
    this.asks.clear();
    for (const [price, qty] of snapshot.bids) this.bids.set(canonical(price), qty);
    for (const [price, qty] of snapshot.asks) this.asks.set(canonical(price), qty);
    this.last = snapshot.lastUpdateId;
    this.remember();
    this.buffer = [];
    for (const diff of pending) {
      if (this.onDiff(diff) === 'gap') return 'gap';
    }
    return 'live';
  }

  /** Forgets the book (a closed socket is a gap too); it waits for a new snapshot. */
  reset(): void {
    this.last = undefined;
    this.buffer = [];
  }

  /**
   * The book as it was at `updateId`, in the snapshot's shape (best first, at most
   * {@link VIEW_LEVELS} per side), if the book passed through that id.
   */
  viewAt(updateId: number): DepthSnapshot | undefined {
    const view = this.views.get(updateId);
    return view === undefined ? undefined : (JSON.parse(view) as DepthSnapshot);
  }

  private apply(diff: DepthDiff): void {
    for (const [price, qty] of diff.bids) setLevel(this.bids, price, qty);
    for (const [price, qty] of diff.asks) setLevel(this.asks, price, qty);
    this.last = diff.lastUpdateId;
    this.remember();
  }

  private remember(): void {
    if (this.last === undefined) return;
    this.views.set(this.last, JSON.stringify(this.top()));
    if (this.views.size > HISTORY) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
  }

  private top(): DepthSnapshot {
    const side = (levels: Map<string, string>, descending: boolean): Level[] =>
      [...levels]
        .sort(([a], [b]) => (descending ? compareDecimal(b, a) : compareDecimal(a, b)))
        .slice(0, VIEW_LEVELS);
    return { lastUpdateId: this.last ?? 0, bids: side(this.bids, true), asks: side(this.asks, false) };
  }
}

/**
 * Differences between a REST snapshot and the local book at the same update id (top
 * {@link VIEW_LEVELS} levels per side, quantities compared exactly); empty when equal.
 */
export function bookDifferences(rest: DepthSnapshot, local: DepthSnapshot): string[] {
  const problems: string[] = [];
  for (const side of ['bids', 'asks'] as const) {
    const a = rest[side].slice(0, VIEW_LEVELS).map(([p, q]) => `${canonical(p)}×${canonical(q)}`);
    const b = local[side].slice(0, VIEW_LEVELS).map(([p, q]) => `${canonical(p)}×${canonical(q)}`);
    if (a.join(' ') !== b.join(' ')) problems.push(`${side}: REST [${a.join(' ')}] ≠ local [${b.join(' ')}]`);
  }
  return problems;
}

function setLevel(levels: Map<string, string>, price: string, qty: string): void {
  if (compareDecimal(qty, '0') === 0) levels.delete(canonical(price));
  else levels.set(canonical(price), qty);
}

/** One spelling per decimal value ("150.10" and "150.1" are one price). */
function canonical(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}
