/**
 * The native `/api/v1` market-data shapes (`Depth`, `Trade`,
 * `Ticker`, `KLine` — every amount a decimal string) plus the market list a UI needs to
 * validate an order form. Pure: no I/O, no clock.
 */
import type { DepthReadModel, Market, TickerReadModel } from '@exchange/protocol';
import { binanceSymbol, formatUnits, zeroWith } from '@exchange/protocol';
import type { TradeRecord } from '../history/index.js';

/** One entry of `GET /api/v1/markets`: everything an order form checks before sending. */
export interface NativeMarket {
  /** `SOL_USDC`. */
  readonly symbol: string;
  /** `SOLUSDC`, the same market on `/api/v3`. */
  readonly binanceSymbol: string;
  readonly status: 'TRADING';
  readonly base: string;
  readonly quote: string;
  /** Prices are multiples of this, in quote per one base. */
  readonly tickSize: string;
  /** Quantities are multiples of this, in base. */
  readonly stepSize: string;
  /** The smallest order value (price × quantity), in quote. */
  readonly minNotional: string;
  readonly minPrice: string;
  readonly maxPrice: string;
  readonly minQuantity: string;
  readonly maxQuantity: string;
  /** Decimals of a price and of a quantity on this market's grids. */
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  /** Decimals of the assets' balances. */
  readonly basePrecision: number;
  readonly quotePrecision: number;
  /** Fees in basis points of what each side receives, and as rates (`0.0010` = 0.1 %). */
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly makerFee: string;
  readonly takerFee: string;
}

/** A market's entry of `GET /api/v1/markets`. */
export function toNativeMarket(market: Market): NativeMarket {
  const c = market.config;
  return {
    symbol: market.symbol,
    binanceSymbol: binanceSymbol(market.symbol),
    status: 'TRADING',
    base: market.base.symbol,
    quote: market.quote.symbol,
    tickSize: c.tickSize,
    stepSize: c.stepSize,
    minNotional: c.minNotional,
    minPrice: c.tickSize,
    maxPrice: c.maxPrice,
    minQuantity: c.stepSize,
    maxQuantity: c.maxQuantity,
    pricePrecision: market.tick.decimals,
    quantityPrecision: market.step.decimals,
    basePrecision: market.base.decimals,
    quotePrecision: market.quote.decimals,
    makerFeeBps: market.makerFeeBps,
    takerFeeBps: market.takerFeeBps,
    makerFee: formatUnits(market.makerFeeBps, 4),
    takerFee: formatUnits(market.takerFeeBps, 4),
  };
}

/** `Depth`: best levels first on both sides, `lastUpdateId` as a string. */
export interface NativeDepth {
  readonly symbol: string;
  readonly lastUpdateId: string;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

/** `GET /api/v1/depth`: the best `limit` levels per side. */
export function toNativeDepth(depth: DepthReadModel, limit: number): NativeDepth {
  return {
    symbol: depth.market,
    lastUpdateId: String(depth.lastUpdateId),
    bids: depth.bids.slice(0, limit),
    asks: depth.asks.slice(0, limit),
  };
}

/** `Trade`. */
export interface NativeTrade {
  readonly id: number;
  readonly isBuyerMaker: boolean;
  readonly price: string;
  readonly quantity: string;
  readonly quoteQuantity: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** One trade of `GET /api/v1/trades`. */
export function toNativeTrade(trade: TradeRecord): NativeTrade {
  return {
    id: trade.id,
    isBuyerMaker: trade.isBuyerMaker,
    price: trade.price,
    quantity: trade.quantity,
    quoteQuantity: trade.quoteQuantity,
    timestamp: trade.time,
  };
}

/** `Ticker`: 24 h statistics, every amount a string. */
export interface NativeTicker {
  readonly symbol: string;
  /** The window's first trade price. */
  readonly firstPrice: string;
  readonly high: string;
  readonly low: string;
  readonly lastPrice: string;
  readonly priceChange: string;
  /** In percent, three decimals (`-1.250` is −1.25 %). */
  readonly priceChangePercent: string;
  readonly volume: string;
  readonly quoteVolume: string;
  /** Trades in the window. */
  readonly trades: string;
}

/** A market's 24 h ticker on `/api/v1`; prices are zero in the market's scale before any trade. */
export function toNativeTicker(market: Market, ticker: TickerReadModel): NativeTicker {
  const price = (value: string | null): string => value ?? zeroWith(market.tick.decimals);
  return {
    symbol: market.symbol,
    firstPrice: price(ticker.openPrice),
    high: price(ticker.highPrice),
    low: price(ticker.lowPrice),
    lastPrice: price(ticker.lastPrice),
    priceChange: price(ticker.priceChange),
    priceChangePercent: ticker.priceChangePercent ?? zeroWith(3),
    volume: ticker.volume,
    quoteVolume: ticker.quoteVolume,
    trades: String(ticker.count),
  };
}
