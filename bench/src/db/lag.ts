/**
 * How far the processor trails the engine, pure: the engine produces records at its
 * own pace (each record's production time), the processor takes them in batches, one
 * batch at a time, a batch starting once its last record exists and the previous batch
 * is written, and lasting what that batch took in the timed run. A record's lag is the
 * end of its batch minus its production time — the age of the newest history a user
 * could miss.
 */
import { percentile } from '../engine/stats.js';

export interface Lag {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * @param producedAtMs each record's production time, ms from the engine's start, in order
 * @param batchMs each batch's duration, in order; batch `b` holds records `b·size … b·size+size−1`
 * @example trailingLag([0, 1, 2, 3], [5, 5], 2) // record lags 6, 5, 9, 8 ms
 */
export function trailingLag(producedAtMs: readonly number[], batchMs: readonly number[], size: number): Lag {
  const lags: number[] = [];
  let free = 0;
  batchMs.forEach((duration, b) => {
    const records = producedAtMs.slice(b * size, b * size + size);
    const ready = Math.max(...records);
    free = Math.max(free, ready) + duration;
    for (const produced of records) lags.push(free - produced);
  });
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) ?? 0 };
}
