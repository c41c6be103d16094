/**
 * The order book a trade screen shows, kept exact from a REST snapshot plus the
 * `depth@{market}` diffs, with gap detection. Pure: no I/O, no clock.
 *
 * The protocol (Binance's, which the exchange follows): each diff carries the first and
 * last update id it spans (`firstUpdateId`/`U`, `lastUpdateId`/`u`); a snapshot carries
 * the id of the last diff it includes (`lastUpdateId`). Subscribe first, buffer the
 * diffs, fetch the snapshot, then apply every buffered diff whose `u` is above the
 * snapshot's id. From then on each diff must start at most one past the last id
 * applied; a later start is a gap — some change was missed — and the only remedy is a
 * new snapshot.
 *
 * Prices and quantities are held as integer counts of the market's tick and step, so
 * sums and grouping are exact; levels come out as decimal strings in the market's scale.
 *
 * @example
 * const book = new OrderBook({ tickSize: '0.01', stepSize: '0.001' });
 * book.receiveDiff(diff);               // 'buffered' (no snapshot yet)
 * book.receiveSnapshot(snapshot);       // applies the buffered diffs past it
 * book.receiveDiff(next);               // 'applied' | 'stale' | 'gap'
 * book.levels('bids', '0.10', 20);      // aggregated, best first, with running totals
 */
import { type Grid, gridOf, parseOnGrid } from '@exchange/protocol';
import { fromUnits } from './decimal';

/** One price level on the wire: `[price, quantity]`, quantity `"0"` meaning gone. */
export type WireLevel = readonly [price: string, quantity: string];

/** `GET /api/v1/depth`. */
export interface DepthSnapshot {
  readonly lastUpdateId: string | number;
  readonly bids: readonly WireLevel[];
  readonly asks: readonly WireLevel[];
}

/** One `depth@{market}` message's data. */
export interface DepthDiff {
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly bids: readonly WireLevel[];
  readonly asks: readonly WireLevel[];
}

/** What {@link OrderBook.receiveDiff} did with a diff. */
export type DiffOutcome = 'buffered' | 'applied' | 'stale' | 'gap';

export type BookSide = 'bids' | 'asks';

/** An aggregated level: price, quantity at it, and the running total from the best level. */
export interface BookLevel {
  readonly price: string;
  readonly quantity: string;
  readonly total: string;
  /** `total` as a fraction of the deepest total shown on either side (for depth bars), 0–1. */
  readonly depth: number;
}

/** The market grids a book needs. */
export interface BookGrids {
  readonly tickSize: string;
  readonly stepSize: string;
}

/** At most this many diffs wait for a snapshot; more means the snapshot is not coming. */
const MAX_BUFFERED = 5_000;

export class OrderBook {
  private readonly tick: Grid;
  private readonly step: Grid;
  /** ticks → lots */
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private buffer: DepthDiff[] = [];
  private synced = false;
  private lastId = 0;

  constructor(grids: BookGrids) {
    this.tick = gridOf(grids.tickSize);
    this.step = gridOf(grids.stepSize);
  }

  /** Whether the book is built from a snapshot and every diff since. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** The update id of the last change applied (0 before a snapshot). */
  get lastUpdateId(): number {
    return this.lastId;
  }

  /** Diffs waiting for a snapshot. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /**
   * Takes a snapshot and applies the buffered diffs past it. Returns `'gap'` when the
   * buffered diffs do not chain onto it (the snapshot is older than the diffs
   * received, or a diff is missing): fetch another snapshot.
   */
  receiveSnapshot(snapshot: DepthSnapshot): 'synced' | 'gap' {
    this.bids.clear();
    this.asks.clear();
    for (const [price, quantity] of snapshot.bids) this.set(this.bids, price, quantity);
    for (const [price, quantity] of snapshot.asks) this.set(this.asks, price, quantity);
    this.lastId = Number(snapshot.lastUpdateId);
    this.synced = true;
    const pending = this.buffer;
    this.buffer = [];
    for (const diff of pending) {
      if (this.receiveDiff(diff) === 'gap') return 'gap';
    }
    return 'synced';
  }

  /**
   * Applies one diff, or buffers it before the first snapshot. `'stale'`: it is already
   * in the book (ignored). `'gap'`: changes were missed; the book is now unsynced and
   * buffers new diffs until the next {@link receiveSnapshot}.
   */
  receiveDiff(diff: DepthDiff): DiffOutcome {
    if (!this.synced) {
      this.buffer.push(diff);
      if (this.buffer.length > MAX_BUFFERED) this.buffer.shift();
      return 'buffered';
    }
    if (diff.lastUpdateId <= this.lastId) return 'stale';
    if (diff.firstUpdateId > this.lastId + 1) {
      this.synced = false;
      this.buffer = [diff];
      return 'gap';
    }
    for (const [price, quantity] of diff.bids) this.set(this.bids, price, quantity);
    for (const [price, quantity] of diff.asks) this.set(this.asks, price, quantity);
    this.lastId = diff.lastUpdateId;
    return 'applied';
  }

  /** Forgets the book (a new connection): diffs buffer until the next snapshot. */
  reset(): void {
    this.synced = false;
    this.buffer = [];
    this.bids.clear();
    this.asks.clear();
    this.lastId = 0;
  }

  /** The best bid and ask as decimal strings, when there are any. */
  best(): { readonly bid: string | undefined; readonly ask: string | undefined } {
    const bid = maxKey(this.bids);
    const ask = minKey(this.asks);
    return {
      bid: bid === undefined ? undefined : this.price(bid),
      ask: ask === undefined ? undefined : this.price(ask),
    };
  }

  /** Best ask − best bid, in price units, and relative to the mid price in percent (2 decimals). */
  spread(): { readonly value: string; readonly percent: string } | undefined {
    const bid = maxKey(this.bids);
    const ask = minKey(this.asks);
    if (bid === undefined || ask === undefined) return undefined;
    const diff = BigInt(ask - bid);
    // percent = diff / ((ask + bid) / 2) × 100, to 2 decimals, rounded half up.
    const scaled = (diff * 2n * 100n * 100n * 2n + BigInt(ask + bid)) / (BigInt(ask + bid) * 2n);
    return { value: this.price(ask - bid), percent: fromUnits(scaled, 2) };
  }

  /**
   * The best `count` levels of a side, grouped into buckets of `grouping` (a multiple
   * of the tick size; bids round down, asks round up, as exchanges show them), with
   * running totals. `depth` is relative to `scale`, or to this side's deepest total.
   */
  levels(side: BookSide, grouping: string, count: number, scale?: bigint): BookLevel[] {
    const rows = this.grouped(side, grouping, count);
    const last = rows[rows.length - 1]?.running ?? 0n;
    const deepest = scale ?? last;
    return rows.map((row) => ({
      price: this.price(row.ticks),
      quantity: this.quantity(row.lots),
      total: this.quantity(row.running),
      depth: deepest === 0n ? 0 : Math.min(1, Number((row.running * 10_000n) / deepest) / 10_000),
    }));
  }

  /** The total quantity (in lots) of the best `count` grouped levels of a side: a shared depth-bar scale. */
  depthLots(side: BookSide, grouping: string, count: number): bigint {
    const rows = this.grouped(side, grouping, count);
    return rows[rows.length - 1]?.running ?? 0n;
  }

  /** Every level of a side at full precision, best first (for tests and checks). */
  raw(side: BookSide): WireLevel[] {
    const source = side === 'bids' ? this.bids : this.asks;
    return [...source.entries()]
      .sort(([a], [b]) => (side === 'bids' ? b - a : a - b))
      .map(([ticks, lots]) => [this.price(ticks), this.quantity(lots)] as const);
  }

  private grouped(side: BookSide, grouping: string, count: number) {
    const group = this.groupTicks(grouping);
    const source = side === 'bids' ? this.bids : this.asks;
    const buckets = new Map<number, number>();
    for (const [ticks, lots] of source) {
      const bucket = side === 'bids' ? Math.floor(ticks / group) * group : Math.ceil(ticks / group) * group;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + lots);
    }
    const prices = [...buckets.keys()].sort((a, b) => (side === 'bids' ? b - a : a - b)).slice(0, count);
    let running = 0n;
    return prices.map((ticks) => {
      const lots = BigInt(buckets.get(ticks) ?? 0);
      running += lots;
      return { ticks, lots, running };
    });
  }

  private set(side: Map<number, number>, price: string, quantity: string): void {
    const ticks = parseOnGrid(price, this.tick);
    const lots = parseOnGrid(quantity, this.step);
    if (lots === 0) side.delete(ticks);
    else side.set(ticks, lots);
  }

  private groupTicks(grouping: string): number {
    const ticks = parseOnGrid(grouping, this.tick);
    if (ticks < 1) throw new Error(`grouping '${grouping}' is below the tick size ${this.tick.step}`);
    return ticks;
  }

  private price(ticks: number): string {
    return fromUnits(BigInt(ticks) * BigInt(this.tick.mantissa), this.tick.decimals);
  }

  private quantity(lots: number | bigint): string {
    return fromUnits(BigInt(lots) * BigInt(this.step.mantissa), this.step.decimals);
  }
}

/**
 * The grouping choices of a market: its tick size and 10×, 100×, 1000× it.
 * @example groupingsOf('0.01') // ['0.01', '0.1', '1', '10']
 */
export function groupingsOf(tickSize: string): string[] {
  const tick = gridOf(tickSize);
  return [1n, 10n, 100n, 1000n].map((factor) => {
    const units = BigInt(tick.mantissa) * factor;
    const text = fromUnits(units, tick.decimals);
    return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  });
}

function maxKey(map: Map<number, number>): number | undefined {
  let best: number | undefined;
  for (const key of map.keys()) if (best === undefined || key > best) best = key;
  return best;
}

function minKey(map: Map<number, number>): number | undefined {
  let best: number | undefined;
  for (const key of map.keys()) if (best === undefined || key < best) best = key;
  return best;
}
