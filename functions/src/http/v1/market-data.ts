/**
 * Public market data on `/api/v1`, in the native shapes (`market-data/native-shapes.ts`). `symbol` may be
 * `SOL_USDC` or `SOLUSDC`; an unlisted one is 400 `UNKNOWN_SYMBOL`.
 *
 * | route                                                     | answer                                            |
 * | --------------------------------------------------------- | ------------------------------------------------- |
 * | `GET /api/v1/markets`                                     | `NativeMarket[]`: grids, limits, precisions, fees |
 * | `GET /api/v1/depth?symbol=&limit=`                        | `{symbol, lastUpdateId, bids, asks}`, best first  |
 * | `GET /api/v1/trades?symbol=&limit=`                       | `Trade[]`, oldest first                           |
 * | `GET /api/v1/klines?symbol=&interval=&startTime=&endTime=` | `KLine[]`; times in **seconds**                   |
 * | `GET /api/v1/tickers`                                     | `Ticker[]`, every market                          |
 * | `GET /api/v1/ticker?symbol=`                              | one `Ticker`                                      |
 */
import { DEPTH_READ_MODEL_LEVELS, KLINE_INTERVALS } from '@exchange/protocol';
import { z } from 'zod';
import {
  DEFAULT_TRADE_LIMIT,
  klines,
  MAX_KLINE_LIMIT,
  MAX_TRADE_LIMIT,
  recentTrades,
  toNativeKline,
} from '../../history/index.js';
import {
  depthOf,
  perMarket,
  ticker24hOf,
  tickers24hOf,
  toNativeDepth,
  toNativeMarket,
  toNativeTicker,
  toNativeTrade,
} from '../../market-data/index.js';
import { marketRegistry, resolveMarket } from '../../markets.js';
import { param, publicEndpoint } from '../api.js';

/**
 * A time in seconds since the epoch, as native clients send it. Anything from 10^11
 * on (the year 5138) is surely milliseconds: refused, not misread.
 */
const seconds = () => param.integer({ max: 99_999_999_999 }).optional();
const ms = (value: number | undefined): number | undefined =>
  value === undefined ? undefined : value * 1000;

/** `GET /api/v1/markets`: every market with what an order form validates against. */
export const markets = publicEndpoint('v1', {}, () => marketRegistry().markets.map(toNativeMarket));

/** `GET /api/v1/depth?symbol=&limit=`: the book, at most 100 levels per side (the read model's). */
export const depth = publicEndpoint(
  'v1',
  { symbol: param.symbol(), limit: param.integer({ min: 1, max: DEPTH_READ_MODEL_LEVELS }).optional() },
  async ({ params }) => {
    const market = resolveMarket(params.symbol);
    return toNativeDepth(await depthOf(market.symbol), params.limit ?? DEPTH_READ_MODEL_LEVELS);
  },
);

/** `GET /api/v1/trades?symbol=&limit=`: the newest trades (default 500, at most 1000), oldest first. */
export const trades = publicEndpoint(
  'v1',
  { symbol: param.symbol(), limit: param.integer({ min: 1, max: MAX_TRADE_LIMIT }).optional() },
  async ({ params }) => {
    const market = resolveMarket(params.symbol);
    return (await recentTrades(market.symbol, params.limit ?? DEFAULT_TRADE_LIMIT)).map(toNativeTrade);
  },
);

/** `GET /api/v1/klines?symbol=&interval=&startTime=&endTime=&limit=`: candles, oldest first. */
export const candles = publicEndpoint(
  'v1',
  {
    symbol: param.symbol(),
    interval: z.enum(KLINE_INTERVALS),
    startTime: seconds(),
    endTime: seconds(),
    limit: param.integer({ min: 1, max: MAX_KLINE_LIMIT }).optional(),
  },
  async ({ params }) => {
    const market = resolveMarket(params.symbol);
    const query = { startTime: ms(params.startTime), endTime: ms(params.endTime), limit: params.limit };
    return (await klines(market.symbol, params.interval, query)).map(toNativeKline);
  },
);

/** `GET /api/v1/tickers`: the 24 h ticker of every market. */
export const tickers = publicEndpoint('v1', {}, async () => {
  const all = marketRegistry().markets;
  return perMarket(all, await tickers24hOf(all), toNativeTicker);
});

/** `GET /api/v1/ticker?symbol=`: one market's 24 h ticker. */
export const ticker = publicEndpoint('v1', { symbol: param.symbol() }, async ({ params }) => {
  const market = resolveMarket(params.symbol);
  return toNativeTicker(market, await ticker24hOf(market));
});
