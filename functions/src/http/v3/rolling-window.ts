/**
 * Binance's windowed prices on `/api/v3`:
 *
 * - `GET /api/v3/avgPrice?symbol=` → `{"mins":5,"price":"…","closeTime":…}`: the 5-minute
 *   volume-weighted average (`history/average-price.ts`);
 * - `GET /api/v3/ticker?symbol=|symbols=[&windowSize=1m…59m|1h…23h|1d…7d][&type=FULL|MINI]`:
 *   the rolling-window ticker (default `1d`), from the 1-minute candles
 *   (`history/ticker.ts`), with Binance's FULL or MINI fields. Unlike `/ticker/24hr`, a
 *   symbol is required (Binance's rule), one or a list of at most 100.
 */
import { divideDecimal, type Market, type TickerReadModel, zeroWith } from '@exchange/protocol';
import { z } from 'zod';
import { averagePrice } from '../../history/average-price.js';
import { tickerOverWindow } from '../../history/index.js';
import { BINANCE_DECIMALS } from '../../market-data/binance-shapes.js';
import {
  perMarket,
  resolveMarketList,
  SYMBOL_LIST_RANGE,
  toBinanceMiniTicker,
} from '../../market-data/index.js';
import { resolveMarket } from '../../markets.js';
import { ApiError, param, publicEndpoint } from '../api.js';

/** Binance's `windowSize`: minutes 1–59, hours 1–23 or days 1–7. */
const WINDOW_SIZE = /^([1-9]|[1-5][0-9])m$|^([1-9]|1[0-9]|2[0-3])h$|^[1-7]d$/;
const MINUTES_PER_UNIT = { m: 1, h: 60, d: 1440 } as const;

/** The minutes a valid `windowSize` spans. Pure. @example windowMinutes('4h') === 240 */
export function windowMinutes(windowSize: string): number {
  const unit = windowSize.slice(-1) as keyof typeof MINUTES_PER_UNIT;
  return Number(windowSize.slice(0, -1)) * MINUTES_PER_UNIT[unit];
}

/** `GET /api/v3/avgPrice?symbol=`. */
export const avgPrice = publicEndpoint(
  'v3',
  { symbol: param.symbol() },
  async ({ params }) => averagePrice(resolveMarket(params.symbol).symbol),
  { weight: 2 },
);

/** Binance's rolling-window ticker, FULL: the MINI fields with the change and the weighted average. */
function fullTicker(market: Market, ticker: TickerReadModel) {
  const { symbol, ...mini } = toBinanceMiniTicker(market, ticker);
  return {
    symbol,
    priceChange: ticker.priceChange ?? zeroWith(market.tick.decimals),
    priceChangePercent: ticker.priceChangePercent ?? zeroWith(3),
    weightedAvgPrice: divideDecimal(ticker.quoteVolume, ticker.volume, BINANCE_DECIMALS),
    ...mini,
  };
}

/** `GET /api/v3/ticker`. */
export const rollingTicker = publicEndpoint(
  'v3',
  {
    symbol: param.symbol().optional(),
    symbols: z.string().regex(new RegExp(SYMBOL_LIST_RANGE)).optional(),
    windowSize: z.string().regex(WINDOW_SIZE).optional(),
    type: z
      .string()
      .regex(/^(FULL|MINI)$/)
      .optional(),
  },
  async ({ params }) => {
    if (params.symbol === undefined && params.symbols === undefined) {
      throw new ApiError('MISSING_PARAMETER', { field: 'symbol' });
    }
    const markets =
      params.symbol !== undefined
        ? [resolveMarket(params.symbol)]
        : resolveMarketList(params.symbols as string);
    const minutes = windowMinutes(params.windowSize ?? '1d');
    const now = Date.now();
    const tickers = await Promise.all(
      markets.map(async (market) => (await tickerOverWindow(market.symbol, minutes, now)) as TickerReadModel),
    );
    const shaped = perMarket(markets, tickers, params.type === 'MINI' ? toBinanceMiniTicker : fullTicker);
    return params.symbol !== undefined ? shaped[0] : shaped;
  },
  { weight: 4 },
);
