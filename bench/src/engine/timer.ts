/** Elapsed nanoseconds since `start` (a `process.hrtime.bigint()` reading). */
export function nanosSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

/**
 * What one back-to-back pair of `process.hrtime.bigint()` reads costs, in ns (median of
 * `samples` pairs). Per-op latencies include it once; it is reported beside them, not
 * subtracted.
 */
export function timerOverheadNanos(samples = 200_000): number {
  const nanos = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    nanos[i] = Number(process.hrtime.bigint() - start);
  }
  nanos.sort();
  return nanos[samples >> 1] as number;
}
