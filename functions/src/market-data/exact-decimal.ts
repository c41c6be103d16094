/**
 * Exact arithmetic on decimal strings, through BigInt: what the market-data answers
 * compute beyond what the engine and the database already formatted. No floats.
 */
import { formatUnits } from '@exchange/protocol';

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** `"12.50"` → `{ units: 1250n, decimals: 2 }`. */
function scaledOf(value: string): { units: bigint; decimals: number } {
  const match = DECIMAL.exec(value);
  if (match === null) throw new Error(`'${value}' is not a non-negative decimal string`);
  const fraction = match[2] ?? '';
  return { units: BigInt((match[1] as string) + fraction), decimals: fraction.length };
}

/**
 * `numerator / denominator` with exactly `decimals` decimals, rounded half up; zero
 * when the denominator is zero (an average over nothing).
 * @example divideDecimal('25.5', '2.000', 8) === '12.75000000'
 * @throws Error when either is not a non-negative decimal string
 */
export function divideDecimal(numerator: string, denominator: string, decimals: number): string {
  const n = scaledOf(numerator);
  const d = scaledOf(denominator);
  if (d.units === 0n) return formatUnits(0n, decimals);
  // n.units/10^n.decimals ÷ d.units/10^d.decimals, in units of 10^-decimals.
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
