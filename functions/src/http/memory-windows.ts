/**
 * Fixed-window counters in this process's memory: the per-IP limit of public endpoints
 * while Redis cannot be reached, so a public endpoint that needs no Redis (exchange
 * info, trades, candles) keeps serving under a limit instead of failing. Each
 * instance counts alone, so the effective limit is per instance then.
 */

interface Window {
  count: number;
  readonly resetAt: number;
}

/**
 * @example
 * const windows = new MemoryWindows();
 * const retryAfterMs = windows.spend('rl:ip:10.0.0.1', 1, 100_000, 10_000); // -1: within the limit
 */
export class MemoryWindows {
  private readonly windows = new Map<string, Window>();

  constructor(
    /** Windows kept at most: expired ones go first, then the oldest. */
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts `weight` against `id`'s window (`points` per `windowMs`, starting now if
   * none is open).
   * @returns ms until the window ends when `id` is over its limit, else -1
   */
  spend(id: string, weight: number, points: number, windowMs: number): number {
    const now = this.now();
    let window = this.windows.get(id);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined && this.windows.size >= this.maxEntries) this.prune(now);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(id, window);
    }
    window.count += weight;
    return window.count > points ? window.resetAt - now : -1;
  }

  private prune(now: number): void {
    for (const [id, window] of this.windows) if (window.resetAt <= now) this.windows.delete(id);
    const oldest = this.windows.keys().next();
    if (this.windows.size >= this.maxEntries && oldest.done !== true) this.windows.delete(oldest.value);
  }
}
