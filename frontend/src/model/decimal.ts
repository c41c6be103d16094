/**
 * Exact decimal arithmetic for the UI: decimal strings ⇄ BigInt counts of
 * `10^-decimals`. Nothing here goes through floating point, so a total or a fee is
 * printed exactly as the exchange computes it.
 */
import { formatUnits } from '@exchange/protocol';

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * `text` as a count of `10^-decimals`, or undefined when it is not a plain
 * non-negative decimal or has non-zero digits past `decimals`.
 * @example toUnits('1.25', 4) === 12500n
 */
export function toUnits(text: string, decimals: number): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const whole = match[1] as string;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals && /[^0]/.test(fraction.slice(decimals))) return undefined;
  return BigInt(whole + fraction.slice(0, decimals).padEnd(decimals, '0'));
}

/** A count of `10^-decimals` as a decimal string with exactly `decimals` decimals. */
export function fromUnits(units: bigint, decimals: number): string {
  return formatUnits(units, decimals);
}

/** Drops trailing fraction zeros (`"1.2500"` → `"1.25"`, `"3.000"` → `"3"`). */
export function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Rescales a decimal string to `decimals` places, rounding toward zero (for display of
 * values finer than a market's precision; on-grid values come through unchanged).
 */
export function toScale(text: string, decimals: number): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const match = DECIMAL.exec(body);
  if (match === null) return text;
  const fraction = (match[2] ?? '').slice(0, decimals).padEnd(decimals, '0');
  const out = decimals === 0 ? (match[1] as string) : `${match[1]}.${fraction}`;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Groups the integer digits of a decimal string by thousands (`"12345.6"` → `"12,345.6"`). */
export function withThousands(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [whole = '', fraction] = body.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}
