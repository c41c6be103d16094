/** A latency histogram with 0.1 ms buckets up to 10 s (everything slower in the last one). */
export class LatencyHistogram {
  private readonly buckets = new Uint32Array(100_001);
  count = 0;

  /** Records one latency in milliseconds (negative clock noise counts as 0). */
  add(ms: number): void {
    const bucket = Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms * 10)));
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + 1;
    this.count++;
  }

  /** Adds another histogram's counts (from another process, as a plain array). */
  merge(counts: ArrayLike<number>): void {
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] ?? 0;
      if (c === 0) continue;
      this.buckets[i] = (this.buckets[i] ?? 0) + c;
      this.count += c;
    }
  }

  /** The nearest-rank percentile, in ms; `p` in (0, 1]. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i] ?? 0;
      if (seen >= rank) return i / 10;
    }
    return (this.buckets.length - 1) / 10;
  }

  /** The counts, as a plain array for IPC. */
  toArray(): number[] {
    return Array.from(this.buckets);
  }
}
