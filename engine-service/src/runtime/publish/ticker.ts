/**
 * Rolling 24 h statistics of one market's trades, and its best bid and ask. Pure:
 * trades go in with the time the engine stamped on their command, nothing reads a
 * clock. Integers throughout (ticks, lots, quote minor units; volumes as BigInt,
 * since a day's volume can pass 2^53), formatted to decimal strings only at the end.
 */
import type { BookTickerReadModel, EngineTradeEvent, Market, TickerReadModel } from '@exchange/protocol';
import { formatOnGrid, formatUnits, TICKER_WINDOW_MINUTES } from '@exchange/protocol';
import type { DepthView } from '../../core/index.js';

const MINUTE_MS = 60_000;

/** The trades of one minute. */
interface Bucket {
  readonly minute: number;
  readonly open: number;
  high: number;
  low: number;
  close: number;
  volume: bigint;
  quoteVolume: bigint;
  count: number;
  readonly firstTradeId: number;
  lastTradeId: number;
}

/** A fixed-capacity double-ended queue. */
class Ring<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  get front(): T | undefined {
    return this.size === 0 ? undefined : this.slots[this.head];
  }

  get back(): T | undefined {
    return this.size === 0 ? undefined : this.slots[(this.head + this.size - 1) % this.capacity];
  }

  push(value: T): void {
    if (this.size === this.capacity) throw new Error('ring is full');
    this.slots[(this.head + this.size) % this.capacity] = value;
    this.size++;
  }

  shift(): void {
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }

  pop(): void {
    this.slots[(this.head + this.size - 1) % this.capacity] = undefined;
    this.size--;
  }
}

/** The window's statistics in integers; prices in ticks, volumes in lots and quote minor units. */
export interface TickerStats {
  /** Start of the window's first minute (ms). */
  readonly openTime: number;
  readonly closeTime: number;
  /** Null when the window holds no trade, like `high` and `low`. */
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** The last trade's price ever, even older than the window; null before the first trade. */
  readonly last: number | null;
  readonly volume: bigint;
  readonly quoteVolume: bigint;
  readonly count: number;
  readonly firstTradeId: number | null;
  readonly lastTradeId: number | null;
}

/**
 * A market's rolling 24 h ticker: open, high, low, last, volumes, trade count.
 *
 * Trades are kept in one bucket per minute that had any (at most 1440 live), so the
 * window is the 1440 whole minutes ending with the current one: between 23 h 59 m
 * and 24 h, as Binance's rolling window is "no more than 59999 ms" from its size.
 * Volumes and counts are running sums, less each bucket as it leaves the window;
 * high and low come from monotonic queues of buckets (each bucket enters and leaves
 * them at most once), so a trade costs O(1) amortised and so does {@link stats}.
 *
 * Time must not go backwards; a trade stamped before the newest bucket's minute
 * is counted in that bucket.
 *
 * @example
 * const ticker = new RollingTicker();
 * ticker.addTrade(trade, time);
 * ticker.stats(time); // { open, high, low, last, volume, quoteVolume, count, … }
 */
export class RollingTicker {
  private readonly buckets: Ring<Bucket>;
  /** Buckets whose `high` is greater than every later bucket's: the front is the window's high. */
  private readonly highs: Ring<Bucket>;
  /** Likewise for `low`. */
  private readonly lows: Ring<Bucket>;
  private volume = 0n;
  private quoteVolume = 0n;
  private count = 0;
  private last: number | null = null;

  constructor(readonly windowMinutes = TICKER_WINDOW_MINUTES) {
    this.buckets = new Ring(windowMinutes);
    this.highs = new Ring(windowMinutes);
    this.lows = new Ring(windowMinutes);
  }

  /** Counts one fill that happened at `time` (ms). */
  addTrade(
    trade: Pick<EngineTradeEvent, 'tradeId' | 'price' | 'quantity' | 'quoteQuantity'>,
    time: number,
  ): void {
    const minute = Math.floor(time / MINUTE_MS);
    let bucket = this.buckets.back;
    if (bucket === undefined || minute > bucket.minute) {
      this.expire(minute);
      bucket = {
        minute,
        open: trade.price,
        high: trade.price,
        low: trade.price,
        close: trade.price,
        volume: 0n,
        quoteVolume: 0n,
        count: 0,
        firstTradeId: trade.tradeId,
        lastTradeId: trade.tradeId,
      };
      this.buckets.push(bucket);
      raise(this.highs, bucket, (b) => b.high <= trade.price);
      raise(this.lows, bucket, (b) => b.low >= trade.price);
    } else {
      bucket.close = trade.price;
      bucket.lastTradeId = trade.tradeId;
      if (trade.price > bucket.high) {
        bucket.high = trade.price;
        raise(this.highs, bucket, (b) => b.high <= trade.price);
      }
      if (trade.price < bucket.low) {
        bucket.low = trade.price;
        raise(this.lows, bucket, (b) => b.low >= trade.price);
      }
    }
    const volume = BigInt(trade.quantity);
    const quoteVolume = BigInt(trade.quoteQuantity);
    bucket.volume += volume;
    bucket.quoteVolume += quoteVolume;
    bucket.count++;
    this.volume += volume;
    this.quoteVolume += quoteVolume;
    this.count++;
    this.last = trade.price;
  }

  /** The statistics of the window ending at `now` (ms); drops what has left it. */
  stats(now: number): TickerStats {
    const minute = Math.floor(now / MINUTE_MS);
    this.expire(minute);
    const first = this.buckets.front;
    const newest = this.buckets.back;
    return {
      openTime: (minute - this.windowMinutes + 1) * MINUTE_MS,
      closeTime: now,
      open: first?.open ?? null,
      high: this.highs.front?.high ?? null,
      low: this.lows.front?.low ?? null,
      last: this.last,
      volume: this.volume,
      quoteVolume: this.quoteVolume,
      count: this.count,
      firstTradeId: first?.firstTradeId ?? null,
      lastTradeId: newest?.lastTradeId ?? null,
    };
  }

  /** Drops the buckets outside the window that ends with `minute`. */
  private expire(minute: number): void {
    const oldest = minute - this.windowMinutes;
    for (let b = this.buckets.front; b !== undefined && b.minute <= oldest; b = this.buckets.front) {
      this.buckets.shift();
      if (this.highs.front === b) this.highs.shift();
      if (this.lows.front === b) this.lows.shift();
      this.volume -= b.volume;
      this.quoteVolume -= b.quoteVolume;
      this.count -= b.count;
    }
  }
}

/**
 * Puts `bucket`, the newest, at the back of a monotonic queue after its extreme was
 * set or grew: every bucket at the back that it now dominates (itself included) leaves.
 */
function raise(queue: Ring<Bucket>, bucket: Bucket, dominated: (b: Bucket) => boolean): void {
  for (let b = queue.back; b !== undefined && dominated(b); b = queue.back) queue.pop();
  queue.push(bucket);
}

/** The wire form of {@link TickerStats}: decimal strings, with the sequence it reflects. */
export function formatTicker(market: Market, stats: TickerStats, seq: number): TickerReadModel {
  const price = (ticks: number | null) => (ticks === null ? null : formatOnGrid(ticks, market.tick));
  const change = stats.open === null || stats.last === null ? null : stats.last - stats.open;
  return {
    market: market.symbol,
    seq,
    openTime: stats.openTime,
    closeTime: stats.closeTime,
    openPrice: price(stats.open),
    highPrice: price(stats.high),
    lowPrice: price(stats.low),
    lastPrice: price(stats.last),
    priceChange: change === null ? null : formatOnGrid(change, market.tick),
    priceChangePercent:
      change === null || stats.open === null ? null : formatUnits(percentMilli(change, stats.open), 3),
    volume: formatUnits(stats.volume * BigInt(market.step.mantissa), market.step.decimals),
    quoteVolume: formatUnits(stats.quoteVolume, market.quote.decimals),
    count: stats.count,
    firstTradeId: stats.firstTradeId,
    lastTradeId: stats.lastTradeId,
  };
}

/** `change / open × 100` in thousandths, rounded half away from zero, exactly. */
function percentMilli(change: number, open: number): bigint {
  const numerator = BigInt(change) * 100_000n;
  const denominator = BigInt(open);
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** A market's best bid and ask, read from its depth, with the sequence it reflects. */
export function formatBookTicker(market: Market, depth: DepthView, seq: number): BookTickerReadModel {
  const bid = depth.bids[0];
  const ask = depth.asks[0];
  return {
    market: market.symbol,
    seq,
    updateId: depth.lastUpdateId,
    bidPrice: bid === undefined ? null : formatOnGrid(bid[0], market.tick),
    bidQty: bid === undefined ? null : formatOnGrid(bid[1], market.step),
    askPrice: ask === undefined ? null : formatOnGrid(ask[0], market.tick),
    askQty: ask === undefined ? null : formatOnGrid(ask[1], market.step),
  };
}
