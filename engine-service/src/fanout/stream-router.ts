/**
 * Turns the engine's market-data messages into stream messages. Pure: messages and the
 * clock come in, frames go out; who receives them is the caller's business.
 *
 * - `trades@M` go out at once, one frame per fill (a message holds a batch's fills),
 *   and `account@X` one frame per message.
 * - `depth@M` diffs (one per engine batch) are merged per market at two speeds: the fast one (the fan-out's
 *   depth interval, 100 ms by default: `depth@M`, `m@depth@100ms`) and the slow one
 *   (1000 ms: Binance's `m@depth`).
 * - `ticker@M` and `bookTicker@M` keep only the newest value, and klines are folded
 *   from trades; all three go out at the fast interval, after the market's depth, so a
 *   client sees a trade, then the depth that includes it, then the ticker.
 *
 * Payloads are built only for streams someone subscribes to (`wanted`).
 */
import {
  type BookTickerReadModel,
  binanceSymbol,
  bookTickerReadModelOf,
  type DepthDiff,
  KLINE_INTERVALS,
  type KlineInterval,
  type Market,
  type MarketRegistry,
  type PublicTrade,
  publicTradesOf,
  type TickerReadModel,
  tickerReadModelOf,
  WS_ACCOUNT_STREAM,
} from '@exchange/protocol';
import { DepthCoalescer, type MergedDepth } from './depth-coalescer.js';
import { type Candle, LiveCandle } from './live-candles.js';
import {
  binanceBookTicker,
  binanceDepth,
  binanceKline,
  binanceTicker,
  binanceTrade,
  nativeDepth,
  nativeFrame,
  nativeKline,
} from './payloads.js';

/** One frame for every subscriber of a canonical stream. */
export interface Outgoing {
  readonly stream: string;
  readonly frame: string;
  /** Native frames may be sent several to a WebSocket message (a JSON array); Binance ones never. */
  readonly batchable: boolean;
}

/** A stored candle to start from (the `klines` row of the bucket in progress). */
export interface SeedCandle {
  readonly market: string;
  readonly interval: KlineInterval;
  readonly candle: Candle;
}

export interface StreamRouterOptions {
  readonly registry: MarketRegistry;
  /** Whether a canonical stream has subscribers. */
  readonly wanted: (stream: string) => boolean;
  /** The slow depth interval (Binance's `@depth`); 1000 ms by default. */
  readonly slowDepthMs?: number;
}

interface Names {
  readonly trades: string;
  readonly depth: string;
  readonly ticker: string;
  readonly bookTicker: string;
  readonly kline: Readonly<Record<KlineInterval, string>>;
  readonly bTrade: string;
  readonly bDepthFast: string;
  readonly bDepthSlow: string;
  readonly bTicker: string;
  readonly bBookTicker: string;
  readonly bKline: Readonly<Record<KlineInterval, string>>;
}

interface MarketState {
  readonly market: Market;
  readonly names: Names;
  readonly fast: DepthCoalescer;
  readonly slow: DepthCoalescer;
  slowDueAt: number;
  ticker: { readonly json: string; readonly model: TickerReadModel } | undefined;
  bookTicker: { readonly json: string; readonly model: BookTickerReadModel } | undefined;
  /** The newest best bid and ask, for Binance's ticker. */
  book: BookTickerReadModel | undefined;
  lastQuantity: string | undefined;
  readonly candles: ReadonlyMap<KlineInterval, LiveCandle>;
  readonly changed: Set<KlineInterval>;
  readonly closed: Array<{ readonly interval: KlineInterval; readonly candle: Candle }>;
}

/** @example const router = new StreamRouter({ registry, wanted: (s) => view.has(s) }); */
export class StreamRouter {
  private readonly markets = new Map<string, MarketState>();
  private readonly wanted: (stream: string) => boolean;
  private readonly slowDepthMs: number;
  /** Trades seen before the candles were seeded, replayed onto the seeds. */
  private unseeded: PublicTrade[] | undefined = [];

  constructor(options: StreamRouterOptions) {
    this.wanted = options.wanted;
    this.slowDepthMs = options.slowDepthMs ?? 1000;
    for (const market of options.registry.markets) {
      const symbol = binanceSymbol(market.symbol).toLowerCase();
      const perInterval = (name: (i: KlineInterval) => string) =>
        Object.fromEntries(KLINE_INTERVALS.map((i) => [i, name(i)])) as Record<KlineInterval, string>;
      this.markets.set(market.symbol, {
        market,
        names: {
          trades: `trades@${market.symbol}`,
          depth: `depth@${market.symbol}`,
          ticker: `ticker@${market.symbol}`,
          bookTicker: `bookTicker@${market.symbol}`,
          kline: perInterval((i) => `kline@${market.symbol}_${i}`),
          bTrade: `${symbol}@trade`,
          bDepthFast: `${symbol}@depth@100ms`,
          bDepthSlow: `${symbol}@depth`,
          bTicker: `${symbol}@ticker`,
          bBookTicker: `${symbol}@bookTicker`,
          bKline: perInterval((i) => `${symbol}@kline_${i}`),
        },
        fast: new DepthCoalescer(market.symbol),
        slow: new DepthCoalescer(market.symbol),
        slowDueAt: 0,
        ticker: undefined,
        bookTicker: undefined,
        book: undefined,
        lastQuantity: undefined,
        candles: new Map(KLINE_INTERVALS.map((i) => [i, new LiveCandle(i)])),
        changed: new Set(),
        closed: [],
      });
    }
  }

  /**
   * One message from a market-data channel: `stream` is the channel's part after `md:`
   * (`trades@SOL_USDC`, `account@a-1`). Returns the frames to send now.
   */
  onMessage(stream: string, json: string): Outgoing[] {
    const at = stream.indexOf('@');
    const kind = stream.slice(0, at);
    const target = stream.slice(at + 1);
    if (kind === WS_ACCOUNT_STREAM) {
      return this.wanted(stream)
        ? [{ stream, frame: nativeFrame(WS_ACCOUNT_STREAM, json), batchable: true }]
        : [];
    }
    const state = this.markets.get(target);
    if (state === undefined) return [];
    const out: Outgoing[] = [];
    switch (kind) {
      case 'trades': {
        for (const trade of publicTradesOf(state.market.symbol, json)) {
          state.lastQuantity = trade.quantity;
          this.addTrade(state, trade);
          this.push(
            out,
            state.names.trades,
            () => nativeFrame(state.names.trades, JSON.stringify(trade)),
            true,
          );
          this.push(out, state.names.bTrade, () => binanceTrade(trade), false);
        }
        break;
      }
      case 'depth': {
        const diff = JSON.parse(json) as DepthDiff;
        const fastClosed = state.fast.add(diff);
        if (fastClosed !== undefined) this.depthFrames(out, state, fastClosed, 'fast');
        const slowClosed = state.slow.add(diff);
        if (slowClosed !== undefined) this.depthFrames(out, state, slowClosed, 'slow');
        break;
      }
      case 'ticker': {
        const model = tickerReadModelOf(state.market.symbol, json);
        state.ticker = { json: JSON.stringify(model), model };
        break;
      }
      case 'bookTicker': {
        const model = bookTickerReadModelOf(state.market.symbol, json);
        state.book = model;
        state.bookTicker = { json: JSON.stringify(model), model };
        break;
      }
    }
    return out;
  }

  /**
   * The interval's frames, market by market: merged depth (the slow merge only when it
   * is due), then ticker, book ticker and candles that changed (closed candles first).
   */
  flush(now: number): Outgoing[] {
    const out: Outgoing[] = [];
    for (const state of this.markets.values()) {
      const fast = state.fast.take();
      if (fast !== undefined) this.depthFrames(out, state, fast, 'fast');
      if (now >= state.slowDueAt) {
        const slow = state.slow.take();
        if (slow !== undefined) this.depthFrames(out, state, slow, 'slow');
        state.slowDueAt = now + this.slowDepthMs;
      }
      const { names, market } = state;
      const ticker = state.ticker;
      if (ticker !== undefined) {
        state.ticker = undefined;
        this.push(out, names.ticker, () => nativeFrame(names.ticker, ticker.json), true);
        this.push(
          out,
          names.bTicker,
          () => binanceTicker(market, ticker.model, state.book, state.lastQuantity),
          false,
        );
      }
      const book = state.bookTicker;
      if (book !== undefined) {
        state.bookTicker = undefined;
        this.push(out, names.bookTicker, () => nativeFrame(names.bookTicker, book.json), true);
        this.push(out, names.bBookTicker, () => binanceBookTicker(market, book.model), false);
      }
      for (const { interval, candle } of state.closed)
        this.klineFrames(out, state, interval, candle, true, now);
      state.closed.length = 0;
      for (const interval of state.changed) {
        const candle = state.candles.get(interval)?.current();
        if (candle !== undefined) this.klineFrames(out, state, interval, candle, false, now);
      }
      state.changed.clear();
    }
    return out;
  }

  /**
   * Starts the candles in progress from stored ones, then folds in the trades seen
   * before (those the store already counted are skipped). Call once; call with `[]`
   * when the store cannot be read, to start from the trades alone.
   */
  seedCandles(seeds: readonly SeedCandle[]): void {
    for (const { market, interval, candle } of seeds) {
      this.markets.get(market)?.candles.get(interval)?.seed(candle);
    }
    const buffered = this.unseeded ?? [];
    this.unseeded = undefined;
    for (const trade of buffered) {
      const state = this.markets.get(trade.market);
      if (state !== undefined) this.addTrade(state, trade);
    }
  }

  private addTrade(state: MarketState, trade: PublicTrade): void {
    if (this.unseeded !== undefined) {
      this.unseeded.push(trade);
      return;
    }
    for (const [interval, live] of state.candles) {
      const closed = live.add(trade);
      if (closed !== undefined) state.closed.push({ interval, candle: closed });
      state.changed.add(interval);
    }
  }

  private depthFrames(out: Outgoing[], state: MarketState, depth: MergedDepth, speed: 'fast' | 'slow'): void {
    const { names } = state;
    if (speed === 'fast') {
      this.push(out, names.depth, () => nativeFrame(names.depth, nativeDepth(depth)), true);
      this.push(out, names.bDepthFast, () => binanceDepth(depth), false);
    } else {
      this.push(out, names.bDepthSlow, () => binanceDepth(depth), false);
    }
  }

  private klineFrames(
    out: Outgoing[],
    state: MarketState,
    interval: KlineInterval,
    candle: Candle,
    closed: boolean,
    now: number,
  ): void {
    const native = state.names.kline[interval];
    const binance = state.names.bKline[interval];
    const symbol = state.market.symbol;
    this.push(out, native, () => nativeFrame(native, nativeKline(symbol, interval, candle, closed)), true);
    this.push(out, binance, () => binanceKline(symbol, interval, candle, closed, now), false);
  }

  private push(out: Outgoing[], stream: string, frame: () => string, batchable: boolean): void {
    if (this.wanted(stream)) out.push({ stream, frame: frame(), batchable });
  }
}
