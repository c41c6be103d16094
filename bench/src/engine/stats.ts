/** Smallest, middle and largest of a few numbers (one per process). */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Per-op latency percentiles, in microseconds. */
export interface LatencySummary {
  readonly p50_us: number;
  readonly p99_us: number;
  readonly p999_us: number;
  readonly max_us: number;
  readonly mean_us: number;
}

/**
 * The nearest-rank percentile of ascending `sorted`: the smallest value with at least
 * `p` of the values at or below it.
 * @param p fraction in (0, 1], e.g. 0.999
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of nothing');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The median (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Min, median and max. */
export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Percentiles of per-op times in nanoseconds. Sorts `nanos` in place. */
export function latencySummary(nanos: Float64Array): LatencySummary {
  nanos.sort();
  const us = (ns: number): number => ns / 1000;
  const total = nanos.reduce((sum, ns) => sum + ns, 0);
  return {
    p50_us: us(percentile(nanos, 0.5)),
    p99_us: us(percentile(nanos, 0.99)),
    p999_us: us(percentile(nanos, 0.999)),
    max_us: us(nanos[nanos.length - 1] as number),
    mean_us: us(total / nanos.length),
  };
}
