/**
 * Binance's `GET /api/v3/exchangeInfo`, built from the market registry: each market's
 * filters (what the engine enforces, no more), order types and flags, and the rate
 * limit in force. Pure: no I/O, no clock (the server time comes in as an argument).
 */
import type { Market } from '@exchange/protocol';
import { binanceSymbol, formatUnits, padDecimals } from '@exchange/protocol';
import { BINANCE_DECIMALS } from './binance-shapes.js';

/**
 * The largest order value the ledger holds: `Number.MAX_SAFE_INTEGER` minor units of
 * quote (the engine's `MAX_UNITS`; beyond it an order is `MAX_NOTIONAL`).
 */
const MAX_NOTIONAL_UNITS = Number.MAX_SAFE_INTEGER;

export interface BinancePriceFilter {
  readonly filterType: 'PRICE_FILTER';
  readonly minPrice: string;
  readonly maxPrice: string;
  readonly tickSize: string;
}

export interface BinanceLotSizeFilter {
  readonly filterType: 'LOT_SIZE' | 'MARKET_LOT_SIZE';
  readonly minQty: string;
  readonly maxQty: string;
  readonly stepSize: string;
}

export interface BinanceNotionalFilter {
  readonly filterType: 'NOTIONAL';
  readonly minNotional: string;
  readonly applyMinToMarket: boolean;
  readonly maxNotional: string;
  readonly applyMaxToMarket: boolean;
  readonly avgPriceMins: number;
}

/** One range for both directions: the engine takes any `trailingDelta` in it. */
export interface BinanceTrailingDeltaFilter {
  readonly filterType: 'TRAILING_DELTA';
  readonly minTrailingAboveDelta: number;
  readonly maxTrailingAboveDelta: number;
  readonly minTrailingBelowDelta: number;
  readonly maxTrailingBelowDelta: number;
}

export interface BinanceMaxNumOrdersFilter {
  readonly filterType: 'MAX_NUM_ORDERS';
  readonly maxNumOrders: number;
}

export interface BinanceMaxNumAlgoOrdersFilter {
  readonly filterType: 'MAX_NUM_ALGO_ORDERS';
  readonly maxNumAlgoOrders: number;
}

export type BinanceFilter =
  | BinancePriceFilter
  | BinanceLotSizeFilter
  | BinanceNotionalFilter
  | BinanceTrailingDeltaFilter
  | BinanceMaxNumOrdersFilter
  | BinanceMaxNumAlgoOrdersFilter;

/**
 * Binance's order types every market takes, in the order `exchangeInfo` lists them
 * (`LIMIT_MAKER` is a post-only limit order); `/api/v3` accepts exactly these.
 */
export const BINANCE_ORDER_TYPES = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;
export type BinanceOrderType = (typeof BINANCE_ORDER_TYPES)[number];

/** One entry of `exchangeInfo.symbols`. */
export interface BinanceSymbolInfo {
  readonly symbol: string;
  readonly status: 'TRADING';
  readonly baseAsset: string;
  readonly baseAssetPrecision: number;
  readonly quoteAsset: string;
  readonly quotePrecision: number;
  readonly quoteAssetPrecision: number;
  readonly baseCommissionPrecision: number;
  readonly quoteCommissionPrecision: number;
  readonly orderTypes: readonly string[];
  readonly icebergAllowed: boolean;
  readonly ocoAllowed: boolean;
  readonly otoAllowed: boolean;
  readonly quoteOrderQtyMarketAllowed: boolean;
  readonly allowTrailingStop: boolean;
  readonly cancelReplaceAllowed: boolean;
  readonly amendAllowed: boolean;
  readonly isSpotTradingAllowed: boolean;
  readonly isMarginTradingAllowed: boolean;
  readonly filters: readonly BinanceFilter[];
  readonly permissions: readonly string[];
  readonly permissionSets: readonly (readonly string[])[];
  readonly defaultSelfTradePreventionMode: string;
  readonly allowedSelfTradePreventionModes: readonly string[];
}

/** A rate limit as `exchangeInfo.rateLimits` lists it. */
export interface BinanceRateLimit {
  readonly rateLimitType: 'REQUEST_WEIGHT';
  readonly interval: 'SECOND';
  readonly intervalNum: number;
  readonly limit: number;
}

export interface BinanceExchangeInfo {
  readonly timezone: 'UTC';
  readonly serverTime: number;
  readonly rateLimits: readonly BinanceRateLimit[];
  readonly exchangeFilters: readonly never[];
  readonly symbols: readonly BinanceSymbolInfo[];
}

const eight = (value: string): string => padDecimals(value, BINANCE_DECIMALS);

/** A market's filters, from its configuration: what the engine enforces, no more. */
export function binanceFiltersOf(market: Market): BinanceFilter[] {
  const c = market.config;
  const lots = { minQty: eight(c.stepSize), maxQty: eight(c.maxQuantity), stepSize: eight(c.stepSize) };
  return [
    {
      filterType: 'PRICE_FILTER',
      minPrice: eight(c.tickSize),
      maxPrice: eight(c.maxPrice),
      tickSize: eight(c.tickSize),
    },
    { filterType: 'LOT_SIZE', ...lots },
    { filterType: 'MARKET_LOT_SIZE', ...lots },
    {
      filterType: 'TRAILING_DELTA',
      minTrailingAboveDelta: market.minTrailingDelta,
      maxTrailingAboveDelta: market.maxTrailingDelta,
      minTrailingBelowDelta: market.minTrailingDelta,
      maxTrailingBelowDelta: market.maxTrailingDelta,
    },
    {
      filterType: 'NOTIONAL',
      minNotional: eight(c.minNotional),
      applyMinToMarket: true,
      maxNotional: eight(formatUnits(MAX_NOTIONAL_UNITS, market.quote.decimals)),
      applyMaxToMarket: true,
      avgPriceMins: 0,
    },
    { filterType: 'MAX_NUM_ORDERS', maxNumOrders: market.maxNumOrders },
    { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: market.maxNumAlgoOrders },
  ];
}

/** A market as `exchangeInfo` lists it: every order type, OCO, trailing stops, cancel-replace, amend. */
export function toBinanceSymbolInfo(market: Market): BinanceSymbolInfo {
  return {
    symbol: binanceSymbol(market.symbol),
    status: 'TRADING',
    baseAsset: market.base.symbol,
    baseAssetPrecision: market.base.decimals,
    quoteAsset: market.quote.symbol,
    quotePrecision: market.quote.decimals,
    quoteAssetPrecision: market.quote.decimals,
    baseCommissionPrecision: market.base.decimals,
    quoteCommissionPrecision: market.quote.decimals,
    orderTypes: BINANCE_ORDER_TYPES,
    icebergAllowed: false,
    ocoAllowed: true,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: binanceFiltersOf(market),
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/**
 * `GET /api/v3/exchangeInfo`.
 * @param limits the per-IP request-weight limit in force, or none when limits are off
 */
export function toBinanceExchangeInfo(
  markets: readonly Market[],
  serverTime: number,
  limits: { readonly points: number; readonly windowSeconds: number } | undefined,
): BinanceExchangeInfo {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits:
      limits === undefined
        ? []
        : [
            {
              rateLimitType: 'REQUEST_WEIGHT',
              interval: 'SECOND',
              intervalNum: limits.windowSeconds,
              limit: limits.points,
            },
          ],
    exchangeFilters: [],
    symbols: markets.map(toBinanceSymbolInfo),
  };
}
