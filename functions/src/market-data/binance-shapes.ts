/**
 * Binance's Spot API v3 market-data shapes (depth, trades, tickers), built from the
 * exchange's own models; `exchangeInfo` is in `binance-exchange-info.ts`.
 * Pure: no I/O, no clock (times come in as arguments). Field names, order and types
 * are Binance's; decimals stay exact strings.
 */
import type { BookTickerReadModel, DepthReadModel, Market, TickerReadModel } from '@exchange/protocol';
import { binanceSymbol, divideDecimal, zeroWith } from '@exchange/protocol';
import type { TradeRecord } from '../history/index.js';

/** Binance prints exchange-info amounts and averages with 8 decimals. */
export const BINANCE_DECIMALS = 8;

export interface BinanceDepth {
  readonly lastUpdateId: number;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

/** `GET /api/v3/depth`: the best `limit` levels per side (at most what the read model holds). */
export function toBinanceDepth(depth: DepthReadModel, limit: number): BinanceDepth {
  return {
    lastUpdateId: depth.lastUpdateId,
    bids: depth.bids.slice(0, limit),
    asks: depth.asks.slice(0, limit),
  };
}

export interface BinanceTrade {
  readonly id: number;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly time: number;
  readonly isBuyerMaker: boolean;
  readonly isBestMatch: boolean;
}

/** One trade of `GET /api/v3/trades`. */
export function toBinanceTrade(trade: TradeRecord): BinanceTrade {
  return {
    id: trade.id,
    price: trade.price,
    qty: trade.quantity,
    quoteQty: trade.quoteQuantity,
    time: trade.time,
    isBuyerMaker: trade.isBuyerMaker,
    isBestMatch: true,
  };
}

/** One entry of `GET /api/v3/aggTrades`. */
export interface BinanceAggTrade {
  /** Aggregate trade id. */
  readonly a: number;
  readonly p: string;
  readonly q: string;
  /** First and last trade id. */
  readonly f: number;
  readonly l: number;
  readonly T: number;
  /** Was the buyer the maker? */
  readonly m: boolean;
  /** Was the trade the best price match? */
  readonly M: boolean;
}

/** One trade as its own aggregate: the aggregate id is the trade id. */
export function toBinanceAggTrade(trade: TradeRecord): BinanceAggTrade {
  return {
    a: trade.id,
    p: trade.price,
    q: trade.quantity,
    f: trade.id,
    l: trade.id,
    T: trade.time,
    m: trade.isBuyerMaker,
    M: true,
  };
}

/** `GET /api/v3/ticker/24hr` with `type=MINI`. */
export interface BinanceMiniTicker {
  readonly symbol: string;
  readonly openPrice: string;
  readonly highPrice: string;
  readonly lowPrice: string;
  readonly lastPrice: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly openTime: number;
  readonly closeTime: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
}

/** `GET /api/v3/ticker/24hr` (`type=FULL`, the default), Binance's field order. */
export interface BinanceTicker24h {
  readonly symbol: string;
  readonly priceChange: string;
  readonly priceChangePercent: string;
  readonly weightedAvgPrice: string;
  readonly prevClosePrice: string;
  readonly lastPrice: string;
  readonly lastQty: string;
  readonly bidPrice: string;
  readonly bidQty: string;
  readonly askPrice: string;
  readonly askQty: string;
  readonly openPrice: string;
  readonly highPrice: string;
  readonly lowPrice: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly openTime: number;
  readonly closeTime: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
}

/** A price, or zero in the market's price scale when there is none (as Binance prints). */
const priceOr = (market: Market, price: string | null): string => price ?? zeroWith(market.tick.decimals);
const quantityOr = (market: Market, quantity: string | null): string =>
  quantity ?? zeroWith(market.step.decimals);

/** The mini ticker: window statistics only. */
export function toBinanceMiniTicker(market: Market, ticker: TickerReadModel): BinanceMiniTicker {
  return {
    symbol: binanceSymbol(market.symbol),
    openPrice: priceOr(market, ticker.openPrice),
    highPrice: priceOr(market, ticker.highPrice),
    lowPrice: priceOr(market, ticker.lowPrice),
    lastPrice: priceOr(market, ticker.lastPrice),
    volume: ticker.volume,
    quoteVolume: ticker.quoteVolume,
    openTime: ticker.openTime,
    closeTime: ticker.closeTime,
    firstId: ticker.firstTradeId ?? -1,
    lastId: ticker.lastTradeId ?? -1,
    count: ticker.count,
  };
}

/**
 * The full 24 h ticker. `weightedAvgPrice` = `quoteVolume / volume`, exactly, with
 * {@link BINANCE_DECIMALS} decimals, rounded half up. `prevClosePrice` is the window's
 * open price (the close before the window is not kept); `lastQty` is the quantity of
 * the last trade stored, `null` when none.
 */
export function toBinanceTicker24h(
  market: Market,
  { ticker, book, lastQty }: { ticker: TickerReadModel; book: BookTickerReadModel; lastQty: string | null },
): BinanceTicker24h {
  const open = priceOr(market, ticker.openPrice ?? ticker.lastPrice);
  return {
    symbol: binanceSymbol(market.symbol),
    priceChange: priceOr(market, ticker.priceChange),
    priceChangePercent: ticker.priceChangePercent ?? zeroWith(3),
    weightedAvgPrice: divideDecimal(ticker.quoteVolume, ticker.volume, BINANCE_DECIMALS),
    prevClosePrice: open,
    lastPrice: priceOr(market, ticker.lastPrice),
    lastQty: quantityOr(market, lastQty),
    bidPrice: priceOr(market, book.bidPrice),
    bidQty: quantityOr(market, book.bidQty),
    askPrice: priceOr(market, book.askPrice),
    askQty: quantityOr(market, book.askQty),
    openPrice: priceOr(market, ticker.openPrice),
    highPrice: priceOr(market, ticker.highPrice),
    lowPrice: priceOr(market, ticker.lowPrice),
    volume: ticker.volume,
    quoteVolume: ticker.quoteVolume,
    openTime: ticker.openTime,
    closeTime: ticker.closeTime,
    firstId: ticker.firstTradeId ?? -1,
    lastId: ticker.lastTradeId ?? -1,
    count: ticker.count,
  };
}

export interface BinancePriceTicker {
  readonly symbol: string;
  readonly price: string;
}

/** `GET /api/v3/ticker/price`: the last trade's price, zero before the first trade. */
export function toBinancePriceTicker(market: Market, ticker: TickerReadModel): BinancePriceTicker {
  return { symbol: binanceSymbol(market.symbol), price: priceOr(market, ticker.lastPrice) };
}

export interface BinanceBookTicker {
  readonly symbol: string;
  readonly bidPrice: string;
  readonly bidQty: string;
  readonly askPrice: string;
  readonly askQty: string;
}

/** `GET /api/v3/ticker/bookTicker`: best bid and ask, zeros for an empty side. */
export function toBinanceBookTicker(market: Market, book: BookTickerReadModel): BinanceBookTicker {
  return {
    symbol: binanceSymbol(market.symbol),
    bidPrice: priceOr(market, book.bidPrice),
    bidQty: quantityOr(market, book.bidQty),
    askPrice: priceOr(market, book.askPrice),
    askQty: quantityOr(market, book.askQty),
  };
}
