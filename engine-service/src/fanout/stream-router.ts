/**
 * Turns the engine's market-data messages into stream messages. Pure: messages and the
 * clock come in, frames go out; who receives them is the caller's business.
 *
 * - `trades@M` go out at once, one frame per fill (a message holds a batch's fills),
 *   each trade once: those at or below the market's last trade id seen (a batch the
 *   engine published again after a restart) are dropped. `account@X` one frame per message.
 * - `depth@M` diffs (one per engine batch) are merged per market at two speeds: the fast one (the fan-out's
 *   depth interval, 100 ms by default: `depth@M`, `m@depth@100ms`) and the slow one
 *   (1000 ms: Binance's `m@depth`).
 * - `ticker@M` and `bookTicker@M` keep only the newest value, and klines are folded
 *   from trades; all three go out at the fast interval, after the market's depth, so a
 *   client sees a trade, then the depth that includes it, then the ticker.
 *
 * Payloads are built only for streams someone subscribes to (`wanted`). The stream
 * names of a market are in `market-streams.ts`, an account's frames in
 * `account-frames.ts`, the payloads themselves in `payloads.ts`.
 */
import {
  ALL_MINI_TICKERS_STREAM,
  ALL_TICKERS_STREAM,
  type BookTickerReadModel,
  bookTickerReadModelOf,
  combinedStreamName,
  type DepthDiff,
  type DepthReadModel,
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
import { accountFrames } from './account-frames.js';
import { AveragePrice } from './average-price.js';
import { DepthCoalescer, type MergedDepth } from './depth-coalescer.js';
import { type Candle, LiveCandle } from './live-candles.js';
import { type MarketStreams, marketStreams } from './market-streams.js';
import {
  binanceArray,
  binanceAvgPrice,
  binanceBookTicker,
  binanceDepth,
  binanceKline,
  binanceMiniTicker,
  binancePartialDepth,
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
export interface StoredCandle {
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
  /**
   * The listen key a `/stream` connection opened an account's user data stream with:
   * the `stream` of its wrapped events (`account@{id}@user/combined`). Without one, or
   * for an account without a key, those events are not sent.
   */
  readonly listenKeyOf?: (accountId: string) => string | undefined;
}

interface MarketState {
  readonly market: Market;
  readonly names: MarketStreams;
  readonly fast: DepthCoalescer;
  readonly slow: DepthCoalescer;
  slowDueAt: number;
  ticker: { readonly json: string; readonly model: TickerReadModel } | undefined;
  bookTicker: { readonly json: string; readonly model: BookTickerReadModel } | undefined;
  /** The newest best bid and ask, for Binance's ticker. */
  book: BookTickerReadModel | undefined;
  lastQuantity: string | undefined;
  /** The newest trade id seen; trade ids grow by one per trade in a market. */
  lastTradeId: number;
  readonly candles: ReadonlyMap<KlineInterval, LiveCandle>;
  readonly changed: Set<KlineInterval>;
  readonly closed: Array<{ readonly interval: KlineInterval; readonly candle: Candle }>;
  readonly average: AveragePrice;
}

/** @example const router = new StreamRouter({ registry, wanted: (s) => view.has(s) }); */
export class StreamRouter {
  private readonly markets = new Map<string, MarketState>();
  /** Also the {@link AccountAudience} of `account@` messages. */
  readonly wanted: (stream: string) => boolean;
  readonly registry: MarketRegistry;
  readonly listenKeyOf: (accountId: string) => string | undefined;
  private readonly slowDepthMs: number;
  /** Trades seen before the candles resumed, replayed onto the stored ones. */
  private beforeResume: PublicTrade[] | undefined = [];

  constructor(options: StreamRouterOptions) {
    this.wanted = options.wanted;
    this.slowDepthMs = options.slowDepthMs ?? 1000;
    this.registry = options.registry;
    this.listenKeyOf = options.listenKeyOf ?? (() => undefined);
    for (const market of options.registry.markets) {
      this.markets.set(market.symbol, {
        market,
        names: marketStreams(market),
        fast: new DepthCoalescer(market.symbol),
        slow: new DepthCoalescer(market.symbol),
        slowDueAt: 0,
        ticker: undefined,
        bookTicker: undefined,
        book: undefined,
        lastQuantity: undefined,
        lastTradeId: 0,
        candles: new Map(KLINE_INTERVALS.map((i) => [i, new LiveCandle(i)])),
        changed: new Set(),
        closed: [],
        average: new AveragePrice(),
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
    if (kind === WS_ACCOUNT_STREAM) return accountFrames(stream, json, this);
    const state = this.markets.get(target);
    if (state === undefined) return [];
    const out: Outgoing[] = [];
    switch (kind) {
      case 'trades': {
        for (const trade of publicTradesOf(state.market.symbol, json)) {
          if (trade.tradeId <= state.lastTradeId) continue;
          state.lastTradeId = trade.tradeId;
          state.lastQuantity = trade.quantity;
          state.average.add(trade);
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
    const allTickers: string[] = [];
    const allMiniTickers: string[] = [];
    const wantAll = this.wantedAnyForm(ALL_TICKERS_STREAM);
    const wantAllMini = this.wantedAnyForm(ALL_MINI_TICKERS_STREAM);
    for (const state of this.markets.values()) {
      const fast = state.fast.take();
      if (fast !== undefined) this.depthFrames(out, state, fast, 'fast');
      const { names, market } = state;
      if (now >= state.slowDueAt) {
        const slow = state.slow.take();
        if (slow !== undefined) this.depthFrames(out, state, slow, 'slow');
        state.slowDueAt = now + this.slowDepthMs;
        const average = this.wantedAnyForm(names.bAvgPrice)
          ? state.average.take(now)
          : state.average.prune(now);
        if (average !== undefined) {
          this.push(
            out,
            names.bAvgPrice,
            () => binanceAvgPrice(market.symbol, average.price, average.lastTradeTime, now),
            false,
          );
        }
      }
      const ticker = state.ticker;
      if (ticker !== undefined) {
        state.ticker = undefined;
        this.push(out, names.ticker, () => nativeFrame(names.ticker, ticker.json), true);
        const full = () => binanceTicker(market, ticker.model, state.book, state.lastQuantity);
        const mini = () => binanceMiniTicker(market, ticker.model);
        this.push(out, names.bTicker, full, false);
        this.push(out, names.bMiniTicker, mini, false);
        if (wantAll) allTickers.push(full());
        if (wantAllMini) allMiniTickers.push(mini());
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
    if (allTickers.length > 0) this.push(out, ALL_TICKERS_STREAM, () => binanceArray(allTickers), false);
    if (allMiniTickers.length > 0) {
      this.push(out, ALL_MINI_TICKERS_STREAM, () => binanceArray(allMiniTickers), false);
    }
    return out;
  }

  /**
   * The markets whose partial book (`<symbol>@depth<n>[@100ms]`) at this speed has a
   * subscriber: the caller reads their `depth:{market}` read models and hands them to
   * {@link partialDepth}.
   */
  partialDepthMarkets(speed: 'fast' | 'slow'): string[] {
    const markets: string[] = [];
    for (const state of this.markets.values()) {
      for (const name of state.names.bPartial[speed].values()) {
        if (this.wantedAnyForm(name)) {
          markets.push(state.market.symbol);
          break;
        }
      }
    }
    return markets;
  }

  /** The partial book frames of a market at one speed, from its depth read model. */
  partialDepth(book: DepthReadModel, speed: 'fast' | 'slow'): Outgoing[] {
    const state = this.markets.get(book.market);
    if (state === undefined) return [];
    const out: Outgoing[] = [];
    for (const [levels, name] of state.names.bPartial[speed]) {
      this.push(out, name, () => binancePartialDepth(book, levels), false);
    }
    return out;
  }

  /**
   * Starts the candles in progress from stored ones, then folds in the trades seen
   * before (those the store already counted are skipped). Call once; call with `[]`
   * when the store cannot be read, to start from the trades alone.
   */
  resumeCandles(stored: readonly StoredCandle[]): void {
    for (const { market, interval, candle } of stored) {
      this.markets.get(market)?.candles.get(interval)?.resume(candle);
    }
    const buffered = this.beforeResume ?? [];
    this.beforeResume = undefined;
    for (const trade of buffered) {
      const state = this.markets.get(trade.market);
      if (state !== undefined) this.addTrade(state, trade);
    }
  }

  private addTrade(state: MarketState, trade: PublicTrade): void {
    if (this.beforeResume !== undefined) {
      this.beforeResume.push(trade);
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

  /**
   * Adds a stream's frame for its subscribers; a Binance stream's (not `batchable`) also
   * wrapped as `{"stream":…,"data":…}` for the subscribers of its combined name.
   */
  private push(out: Outgoing[], stream: string, frame: () => string, batchable: boolean): void {
    const raw = this.wanted(stream);
    const combined = batchable ? undefined : combinedStreamName(stream);
    const wrapped = combined !== undefined && this.wanted(combined);
    if (!raw && !wrapped) return;
    const text = frame();
    if (raw) out.push({ stream, frame: text, batchable });
    if (wrapped) out.push({ stream: combined, frame: nativeFrame(stream, text), batchable: false });
  }

  /** Whether a Binance stream has subscribers, raw or combined. */
  private wantedAnyForm(stream: string): boolean {
    return this.wanted(stream) || this.wanted(combinedStreamName(stream));
  }
}
