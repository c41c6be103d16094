/**
 * Public market data on `/api/v3`, Binance's paths, parameters, fields and errors.
 * Symbols are Binance's (`SOLUSDC`; `SOL_USDC` is accepted too); an unlisted one is
 * -1121 "Invalid symbol.". See `market-data/README.md` for where we differ.
 */
import { DEPTH_READ_MODEL_LEVELS, KLINE_INTERVALS, type Market } from '@exchange/protocol';
import { z } from 'zod';
import {
  klines as candles,
  DEFAULT_KLINE_LIMIT,
  DEFAULT_TRADE_LIMIT,
  MAX_TRADE_LIMIT,
  recentTrades,
  toBinanceKline,
  trades as tradesInRange,
} from '../../history/index.js';
import {
  bookTickersOf,
  depthOf,
  perMarket,
  SYMBOL_LIST_RANGE,
  selectMarkets,
  summariesOf,
  tickers24hOf,
  toBinanceAggTrade,
  toBinanceBookTicker,
  toBinanceDepth,
  toBinanceExchangeInfo,
  toBinanceMiniTicker,
  toBinancePriceTicker,
  toBinanceTicker24h,
  toBinanceTrade,
} from '../../market-data/index.js';
import { resolveMarket } from '../../markets.js';
import { param, publicEndpoint } from '../api.js';
import { rateLimits } from '../rate-limit-settings.js';

/** Binance's largest `/depth` limit; larger ones are truncated to it, as on Binance. */
const MAX_DEPTH_LIMIT = 5000;
/** Binance's largest `/klines` limit. */
const MAX_KLINE_LIMIT = 1000;

/** `symbol=SOLUSDC` or `symbols=["SOLUSDC","BTCUSDC"]` (or neither: every market). */
const oneOrMany = {
  symbol: param.symbol().optional(),
  symbols: z.string().regex(new RegExp(SYMBOL_LIST_RANGE)).optional(),
};

/** Answers an object for one market, an array for a list, as Binance does. */
async function oneOrList<T>(
  selected: Market | Market[],
  answer: (markets: Market[]) => Promise<T[]> | T[],
): Promise<T | T[]> {
  const list = Array.isArray(selected) ? selected : [selected];
  const answers = await answer(list);
  return Array.isArray(selected) ? answers : (answers[0] as T);
}

/** `GET /api/v3/ping`. */
export const ping = publicEndpoint('v3', {}, () => ({}));

/** `GET /api/v3/time`. */
export const time = publicEndpoint('v3', {}, () => ({ serverTime: Date.now() }));

/** `GET /api/v3/exchangeInfo[?symbol=|?symbols=]`: markets, precisions, order types, filters. */
export const exchangeInfo = publicEndpoint(
  'v3',
  oneOrMany,
  ({ params }) => {
    const selected = selectMarkets(params);
    const limits = rateLimits();
    const weight = limits.enabled
      ? { points: limits.ipPoints, windowSeconds: limits.ipWindowSeconds }
      : undefined;
    return toBinanceExchangeInfo(Array.isArray(selected) ? selected : [selected], Date.now(), weight);
  },
  { weight: 20 },
);

/** `GET /api/v3/depth?symbol=&limit=`: default 100 levels; the read model holds 100 per side. */
export const depth = publicEndpoint(
  'v3',
  { symbol: param.symbol(), limit: param.integer({ min: 1 }).optional() },
  async ({ params }) => {
    const market = resolveMarket(params.symbol);
    const limit = Math.min(params.limit ?? DEPTH_READ_MODEL_LEVELS, MAX_DEPTH_LIMIT);
    return toBinanceDepth(await depthOf(market.symbol), limit);
  },
  { weight: 5 },
);

/** `GET /api/v3/trades?symbol=&limit=`: the newest trades (default 500, max 1000), oldest first. */
export const trades = publicEndpoint(
  'v3',
  { symbol: param.symbol(), limit: param.integer({ min: 1, max: MAX_TRADE_LIMIT }).optional() },
  async ({ params }) => {
    const market = resolveMarket(params.symbol);
    return (await recentTrades(market.symbol, params.limit ?? DEFAULT_TRADE_LIMIT)).map(toBinanceTrade);
  },
  { weight: 25 },
);

/** `GET /api/v3/aggTrades?symbol=&fromId=&startTime=&endTime=&limit=`: one aggregate per trade. */
export const aggTrades = publicEndpoint(
  'v3',
  {
    symbol: param.symbol(),
    fromId: param.integer().optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: MAX_TRADE_LIMIT }).optional(),
  },
  async ({ params: { symbol, ...range } }) => {
    const market = resolveMarket(symbol);
    return (await tradesInRange(market.symbol, range)).map(toBinanceAggTrade);
  },
  { weight: 4 },
);

/** `GET /api/v3/klines?symbol=&interval=&startTime=&endTime=&limit=`: 12-column candles. */
export const klines = publicEndpoint(
  'v3',
  {
    symbol: param.symbol(),
    interval: z.enum(KLINE_INTERVALS),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: MAX_KLINE_LIMIT }).optional(),
  },
  async ({ params: { symbol, interval, limit = DEFAULT_KLINE_LIMIT, ...range } }) => {
    const market = resolveMarket(symbol);
    return (await candles(market.symbol, interval, { ...range, limit })).map(toBinanceKline);
  },
  { weight: 2 },
);

/** `GET /api/v3/ticker/24hr[?symbol=|?symbols=][&type=FULL|MINI]`: rolling 24 h statistics. */
export const ticker24hr = publicEndpoint(
  'v3',
  {
    ...oneOrMany,
    type: z
      .string()
      .regex(/^(FULL|MINI)$/)
      .optional(),
  },
  ({ params }) =>
    oneOrList(selectMarkets(params), async (markets) =>
      params.type === 'MINI'
        ? perMarket(markets, await tickers24hOf(markets), toBinanceMiniTicker)
        : perMarket(markets, await summariesOf(markets), toBinanceTicker24h),
    ),
  { weight: 40 },
);

/** `GET /api/v3/ticker/price[?symbol=|?symbols=]`: last prices. */
export const tickerPrice = publicEndpoint('v3', oneOrMany, ({ params }) =>
  oneOrList(selectMarkets(params), async (markets) =>
    perMarket(markets, await tickers24hOf(markets), toBinancePriceTicker),
  ),
);

/** `GET /api/v3/ticker/bookTicker[?symbol=|?symbols=]`: best bid and ask. */
export const bookTicker = publicEndpoint('v3', oneOrMany, ({ params }) =>
  oneOrList(selectMarkets(params), async (markets) =>
    perMarket(markets, await bookTickersOf(markets), toBinanceBookTicker),
  ),
);
