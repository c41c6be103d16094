/**
 * What clients receive, built once per stream message, whoever receives it. Pure.
 *
 * - Native streams (our own names): `{"stream":"trades@SOL_USDC","data":…}` with the
 *   engine's own shapes (`PublicTrade`, `TickerReadModel`, `BookTickerReadModel`,
 *   `AccountUpdate`; depth as {@link MergedDepth}; klines as {@link Candle}).
 * - Binance streams: Binance's payloads unwrapped, as its raw `/ws` endpoint sends them
 *   (`e`, `E`, `s`, …), prices and quantities in the market's own scale.
 */
import {
  type BookTickerReadModel,
  binanceSymbol,
  divideDecimal,
  formatOnGrid,
  type KlineInterval,
  type Market,
  type PublicTrade,
  type TickerReadModel,
} from '@exchange/protocol';
import type { MergedDepth } from './depth-coalescer.js';
import type { Candle } from './live-candles.js';

/** Binance's `weightedAvgPrice` decimals, as the REST API prints it. */
const WEIGHTED_AVERAGE_DECIMALS = 8;

/** A native frame around data that is already JSON (no re-serialising). */
export function nativeFrame(clientStream: string, dataJson: string): string {
  return `{"stream":${JSON.stringify(clientStream)},"data":${dataJson}}`;
}

/** Native depth data: the merged diff with its update ids. */
export function nativeDepth(depth: MergedDepth): string {
  return JSON.stringify({ type: 'DEPTH', ...depth });
}

/** Native kline data: the candle, its market and interval, and whether its bucket has ended. */
export function nativeKline(
  market: string,
  interval: KlineInterval,
  candle: Candle,
  closed: boolean,
): string {
  return JSON.stringify({ market, interval, ...candle, closed });
}

/** Binance's `<symbol>@trade` payload. `m`: the buyer was the maker (the taker sold). */
export function binanceTrade(trade: PublicTrade): string {
  return JSON.stringify({
    e: 'trade',
    E: trade.time,
    s: binanceSymbol(trade.market),
    t: trade.tradeId,
    p: trade.price,
    q: trade.quantity,
    T: trade.time,
    m: trade.takerSide === 'SELL',
    M: true,
  });
}

/** Binance's `<symbol>@depth` / `@depth@100ms` diff: `U` first and `u` last update id. */
export function binanceDepth(depth: MergedDepth): string {
  return JSON.stringify({
    e: 'depthUpdate',
    E: depth.time,
    s: binanceSymbol(depth.market),
    U: depth.firstUpdateId,
    u: depth.lastUpdateId,
    b: depth.bids,
    a: depth.asks,
  });
}

/**
 * Binance's `<symbol>@ticker` payload, from the 24 h ticker and the best bid and ask.
 * `x` (the close before the window) is the window's open, as in `/api/v3/ticker/24hr`;
 * `Q` is the last trade's quantity the fan-out saw.
 */
export function binanceTicker(
  market: Market,
  ticker: TickerReadModel,
  book: BookTickerReadModel | undefined,
  lastQuantity: string | undefined,
): string {
  const price = (value: string | null | undefined) => value ?? formatOnGrid(0, market.tick);
  const quantity = (value: string | null | undefined) => value ?? formatOnGrid(0, market.step);
  const open = price(ticker.openPrice ?? ticker.lastPrice);
  return JSON.stringify({
    e: '24hrTicker',
    E: ticker.closeTime,
    s: binanceSymbol(market.symbol),
    p: price(ticker.priceChange),
    P: ticker.priceChangePercent ?? '0.000',
    w: divideDecimal(ticker.quoteVolume, ticker.volume, WEIGHTED_AVERAGE_DECIMALS),
    x: open,
    c: price(ticker.lastPrice),
    Q: quantity(lastQuantity),
    b: price(book?.bidPrice),
    B: quantity(book?.bidQty),
    a: price(book?.askPrice),
    A: quantity(book?.askQty),
    o: price(ticker.openPrice),
    h: price(ticker.highPrice),
    l: price(ticker.lowPrice),
    v: ticker.volume,
    q: ticker.quoteVolume,
    O: ticker.openTime,
    C: ticker.closeTime,
    F: ticker.firstTradeId ?? -1,
    L: ticker.lastTradeId ?? -1,
    n: ticker.count,
  });
}

/** Binance's `<symbol>@bookTicker` payload; `u` is the book's update id. */
export function binanceBookTicker(market: Market, book: BookTickerReadModel): string {
  return JSON.stringify({
    u: book.updateId,
    s: binanceSymbol(market.symbol),
    b: book.bidPrice ?? formatOnGrid(0, market.tick),
    B: book.bidQty ?? formatOnGrid(0, market.step),
    a: book.askPrice ?? formatOnGrid(0, market.tick),
    A: book.askQty ?? formatOnGrid(0, market.step),
  });
}

/** Binance's `<symbol>@kline_<interval>` payload; `x`: the candle's bucket has ended. */
export function binanceKline(
  market: string,
  interval: KlineInterval,
  candle: Candle,
  closed: boolean,
  eventTime: number,
): string {
  const symbol = binanceSymbol(market);
  return JSON.stringify({
    e: 'kline',
    E: eventTime,
    s: symbol,
    k: {
      t: candle.openTime,
      T: candle.closeTime,
      s: symbol,
      i: interval,
      f: candle.firstTradeId,
      L: candle.lastTradeId,
      o: candle.open,
      c: candle.close,
      h: candle.high,
      l: candle.low,
      v: candle.volume,
      n: candle.trades,
      x: closed,
      q: candle.quoteVolume,
      V: candle.takerBuyVolume,
      Q: candle.takerBuyQuoteVolume,
      B: '0',
    },
  });
}

/** Binance's `<symbol>@miniTicker` payload (an element of `!miniTicker@arr` too). */
export function binanceMiniTicker(market: Market, ticker: TickerReadModel): string {
  const price = (value: string | null | undefined) => value ?? formatOnGrid(0, market.tick);
  return JSON.stringify({
    e: '24hrMiniTicker',
    E: ticker.closeTime,
    s: binanceSymbol(market.symbol),
    c: price(ticker.lastPrice),
    o: price(ticker.openPrice ?? ticker.lastPrice),
    h: price(ticker.highPrice),
    l: price(ticker.lowPrice),
    v: ticker.volume,
    q: ticker.quoteVolume,
  });
}

/** Binance's `<symbol>@avgPrice` payload: `w` the average over `i` (5m), `T` the last trade's time. */
export function binanceAvgPrice(
  market: string,
  average: string,
  lastTradeTime: number,
  eventTime: number,
): string {
  return JSON.stringify({
    e: 'avgPrice',
    E: eventTime,
    s: binanceSymbol(market),
    i: '5m',
    w: average,
    T: lastTradeTime,
  });
}

/** Binance's partial book `<symbol>@depth<levels>`: the best `levels` per side and the book's update id. */
export function binancePartialDepth(
  book: {
    readonly lastUpdateId: number;
    readonly bids: readonly (readonly [string, string])[];
    readonly asks: readonly (readonly [string, string])[];
  },
  levels: number,
): string {
  return JSON.stringify({
    lastUpdateId: book.lastUpdateId,
    bids: book.bids.slice(0, levels),
    asks: book.asks.slice(0, levels),
  });
}

/** A Binance all-market array (`!ticker@arr`, `!miniTicker@arr`) from its elements' JSON. */
export function binanceArray(elements: readonly string[]): string {
  return `[${elements.join(',')}]`;
}
