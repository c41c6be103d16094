/**
 * Exact integer arithmetic helpers. Every operand is a safe integer; every result
 * is exact (no rounding drift), which the engine's conservation tests prove.
 */

/** The largest amount, price × quantity value or balance the ledger holds. */
export const MAX_UNITS = Number.MAX_SAFE_INTEGER;

/**
 * `⌊a / b⌋` for safe integers `a ≥ 0`, `b > 0`. Float division is exact enough here:
 * when `a / b` is not an integer it lies at least `1/b` below the next integer, a
 * relative gap of `1/(a+1) > 2^-53`, more than the rounding error of one division.
 */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/**
 * The fee on `amount` at `bps` basis points, rounded up to a whole minor unit:
 * `⌈amount × bps / 10000⌉`, computed without ever leaving safe integers.
 * @example feeOf(12345, 10) === 13
 */
export function feeOf(amount: number, bps: number): number {
  if (bps === 0) return 0;
  const high = floorDiv(amount, 10_000);
  const low = amount - high * 10_000;
  return high * bps + Math.ceil((low * bps) / 10_000);
}

/** Is `x` an integer in `[1, max]`? */
export function isCount(x: number, max: number): boolean {
  return Number.isInteger(x) && x >= 1 && x <= max;
}
