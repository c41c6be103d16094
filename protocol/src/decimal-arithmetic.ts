/**
 * Exact arithmetic on non-negative decimal strings through BigInt: sums for candles,
 * comparisons, averages (`weightedAvgPrice`) and padding for Binance's shapes. For what
 * the API and the fan-out compute beyond the engine's integers. No floats touch money.
 */
import { DecimalError, formatUnits } from './decimal.js';

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * `"12.50"` → `{ units: 1250n, decimals: 2 }`.
 * @throws DecimalError NEGATIVE or NOT_A_NUMBER, as the parsers of `decimal.ts` refuse them
 */
function scaledOf(value: string): { units: bigint; decimals: number } {
  const match = DECIMAL.exec(value);
  if (match === null) {
    const negative = value.startsWith('-') && DECIMAL.test(value.slice(1));
    throw new DecimalError(
      negative ? 'NEGATIVE' : 'NOT_A_NUMBER',
      value,
      `'${value}' is not a non-negative decimal string`,
    );
  }
  const fraction = match[2] ?? '';
  return { units: BigInt((match[1] as string) + fraction), decimals: fraction.length };
}

function atScale(value: { units: bigint; decimals: number }, decimals: number): bigint {
  return value.units * 10n ** BigInt(decimals - value.decimals);
}

/**
 * `a + b`, written with as many decimals as the longer of the two.
 * @example addDecimal('1.5', '0.25') === '1.75'
 */
export function addDecimal(a: string, b: string): string {
  const x = scaledOf(a);
  const y = scaledOf(b);
  const decimals = Math.max(x.decimals, y.decimals);
  return formatUnits(atScale(x, decimals) + atScale(y, decimals), decimals);
}

/**
 * Orders two non-negative decimal strings by value: negative, zero or positive like
 * `a − b`. The exchange's one comparison of decimal strings (the UI's too).
 * @throws DecimalError for anything but a plain non-negative decimal, never a guess
 * @example compareDecimal('10.0', '9.99') > 0
 */
export function compareDecimal(a: string, b: string): number {
  const x = scaledOf(a);
  const y = scaledOf(b);
  const decimals = Math.max(x.decimals, y.decimals);
  const d = atScale(x, decimals) - atScale(y, decimals);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * `numerator / denominator` with exactly `decimals` decimals, rounded half up; zero for a
 * zero denominator. The REST API's `weightedAvgPrice` rule.
 * @example divideDecimal('25.5', '2.000', 8) === '12.75000000'
 */
export function divideDecimal(numerator: string, denominator: string, decimals: number): string {
  const n = scaledOf(numerator);
  const d = scaledOf(denominator);
  if (d.units === 0n) return formatUnits(0n, decimals);
  const top = n.units * 10n ** BigInt(d.decimals + decimals);
  const bottom = d.units * 10n ** BigInt(n.decimals);
  return formatUnits((2n * top + bottom) / (2n * bottom), decimals);
}

/**
 * `value` with at least `decimals` decimals (more are kept, never rounded away).
 * @example padDecimals('0.01', 8) === '0.01000000'
 */
export function padDecimals(value: string, decimals: number): string {
  const [whole, fraction = ''] = value.split('.');
  if (fraction.length >= decimals) return value;
  return `${whole}.${fraction.padEnd(decimals, '0')}`;
}

/** Zero written with `decimals` decimals: `zeroWith(2) === '0.00'`. */
export function zeroWith(decimals: number): string {
  return formatUnits(0, decimals);
}
