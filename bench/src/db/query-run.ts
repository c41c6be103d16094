/**
 * Latency of the API's candle query (`klines` of `functions/src/history`) over the
 * loaded trades: random windows, one query at a time, after a warm-up.
 */
import { klines } from '@exchange/functions/history/index';
import type { KlineInterval } from '@exchange/protocol';
import { mulberry32 } from '@exchange/protocol';
import type pg from 'pg';
import { percentile } from '../engine/stats.js';
import { LOAD_MARKET } from './load.js';

export interface QueryLatency {
  readonly interval: KlineInterval;
  readonly windowMs: number;
  readonly queries: number;
  /** Candles per answer, on average. */
  readonly candles: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const MINUTE = 60_000;

/** `queries` windows of `windowMs` starting at random whole minutes in [first, last − window]. */
export async function measureKlines(
  pool: pg.Pool,
  interval: KlineInterval,
  windowMs: number,
  range: { readonly first: number; readonly last: number },
  queries: number,
): Promise<QueryLatency> {
  const random = mulberry32(7);
  const minutes = Math.max(1, Math.floor((range.last - range.first - windowMs) / MINUTE));
  const run = async (): Promise<[number, number]> => {
    const startTime = range.first + Math.floor(random() * minutes) * MINUTE;
    const t0 = performance.now();
    const candles = await klines(
      LOAD_MARKET,
      interval,
      { startTime, endTime: startTime + windowMs - 1, limit: 1_500 },
      pool,
    );
    return [performance.now() - t0, candles.length];
  };
  for (let i = 0; i < 50; i++) await run();
  const times: number[] = [];
  let candles = 0;
  for (let i = 0; i < queries; i++) {
    const [ms, n] = await run();
    times.push(ms);
    candles += n;
  }
  times.sort((a, b) => a - b);
  return {
    interval,
    windowMs,
    queries,
    candles: candles / queries,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    max: times.at(-1) ?? 0,
  };
}
