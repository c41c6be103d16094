/**
 * Exact decimal strings ⇄ safe integers. No floating point ever touches a value:
 * parsing works on the digits (BigInt), and formatting on the integer.
 *
 * Every amount inside the exchange is an integer count of some unit — ticks of a
 * price, lots of a quantity, minor units of an asset — and every amount on a wire
 * is a decimal string. These two functions are the only bridge.
 */

/** Why a decimal string was refused. Stable: API edges map it to a result code. */
export type DecimalErrorKind =
  | 'NOT_A_NUMBER'
  | 'NEGATIVE'
  | 'TOO_MANY_DECIMALS'
  | 'OFF_GRID'
  | 'OUT_OF_RANGE';

export class DecimalError extends Error {
  override readonly name = 'DecimalError';
  constructor(
    readonly kind: DecimalErrorKind,
    readonly input: unknown,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A grid of allowed values, `mantissa × 10^-decimals` apart: tick size `"0.05"` is
 * `{ mantissa: 5, decimals: 2 }`.
 */
export interface Grid {
  readonly step: string;
  readonly mantissa: number;
  readonly decimals: number;
}

const UNSIGNED_DECIMAL = /^(\d{1,40})(?:\.(\d{1,40}))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses `input` as a count of `10^-decimals` units, exactly.
 * Trailing zeros past `decimals` are accepted (`"1.50"` with 1 decimal is 15);
 * anything else past it is refused, never rounded.
 */
function parseScaled(input: unknown, decimals: number): bigint {
  if (typeof input !== 'string') {
    throw new DecimalError('NOT_A_NUMBER', input, `expected a decimal string, got ${typeof input}`);
  }
  const match = UNSIGNED_DECIMAL.exec(input);
  if (match === null) {
    if (input.startsWith('-') && UNSIGNED_DECIMAL.test(input.slice(1))) {
      throw new DecimalError('NEGATIVE', input, `'${input}' is negative`);
    }
    throw new DecimalError('NOT_A_NUMBER', input, `'${truncate(input)}' is not a plain decimal number`);
  }
  const whole = match[1] as string;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) {
    throw new DecimalError(
      'TOO_MANY_DECIMALS',
      input,
      `'${input}' has more than ${decimals} decimal${decimals === 1 ? '' : 's'}`,
    );
  }
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}

function truncate(input: string): string {
  return input.length > 40 ? `${input.slice(0, 40)}…` : input;
}

function toSafe(value: bigint, input: unknown): number {
  if (value > MAX_SAFE) {
    throw new DecimalError('OUT_OF_RANGE', input, `'${String(input)}' is too large`);
  }
  return Number(value);
}

/**
 * `"12.5"` with 6 decimals → `12500000`.
 * @throws DecimalError NOT_A_NUMBER, NEGATIVE, TOO_MANY_DECIMALS or OUT_OF_RANGE
 */
export function parseUnits(input: unknown, decimals: number): number {
  return toSafe(parseScaled(input, decimals), input);
}

/**
 * Parses a decimal string into a whole number of grid steps.
 * @example parseOnGrid('100.25', gridOf('0.05')) === 2005
 * @throws DecimalError OFF_GRID when the value lies between two steps, or as {@link parseUnits}
 */
export function parseOnGrid(input: unknown, grid: Grid): number {
  const scaled = parseScaled(input, grid.decimals);
  const mantissa = BigInt(grid.mantissa);
  if (scaled % mantissa !== 0n) {
    throw new DecimalError('OFF_GRID', input, `'${String(input)}' is not a multiple of ${grid.step}`);
  }
  return toSafe(scaled / mantissa, input);
}

/**
 * Formats an integer count of `10^-decimals` units with exactly `decimals` decimals:
 * the canonical form, so `parseUnits(formatUnits(n, d), d) === n`.
 * @example formatUnits(12500000, 6) === '12.500000'
 */
export function formatUnits(units: number | bigint, decimals: number): string {
  const negative = units < 0;
  // Below 2^53 a number prints exactly, without going through BigInt (the hot path).
  const digits =
    typeof units === 'number' && Number.isSafeInteger(units)
      ? String(negative ? -units : units)
      : (negative ? -BigInt(units) : BigInt(units)).toString();
  const body =
    decimals === 0
      ? digits
      : `${digits.length > decimals ? digits.slice(0, -decimals) : '0'}.${digits.slice(-decimals).padStart(decimals, '0')}`;
  return negative ? `-${body}` : body;
}

/** Formats a count of grid steps: `formatOnGrid(2005, gridOf('0.05')) === '100.25'`. */
export function formatOnGrid(steps: number, grid: Grid): string {
  const units = steps * grid.mantissa;
  return formatUnits(
    Number.isSafeInteger(units) ? units : BigInt(steps) * BigInt(grid.mantissa),
    grid.decimals,
  );
}

/**
 * Reads a positive step such as `"0.01"` or `"5"` into a {@link Grid}.
 * @throws Error for a malformed or zero step (configuration bug)
 */
export function gridOf(step: string): Grid {
  const match = UNSIGNED_DECIMAL.exec(step);
  if (match === null) throw new Error(`grid step '${step}' is not a decimal`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const mantissa = Number(BigInt((match[1] as string) + fraction));
  if (mantissa <= 0 || !Number.isSafeInteger(mantissa))
    throw new Error(`grid step '${step}' must be positive`);
  return { step, mantissa, decimals: fraction.length };
}
