/**
 * Zod schemas for the parameter kinds endpoints share. On `/api/v3` every parameter
 * arrives as a string; on `/api/v1` JSON bodies may carry numbers and booleans. Each
 * helper accepts both where that makes sense and fails with the error Binance gives
 * (a regex failure becomes -1100 quoting the legal range; see `param-errors.ts`).
 *
 * @example
 * signedEndpoint('v3', { symbol: param.symbol(), quantity: param.decimal(), limit: param.integer({ max: 1000 }).optional() }, …)
 */
import { z } from 'zod';
import { DECIMAL_RANGE } from './api-error.js';

const DECIMAL = new RegExp(DECIMAL_RANGE);
/** Binance's legal range for symbols. */
const SYMBOL = /^[A-Z0-9-_.]{1,20}$/;
/** Up to 16 digits: every such value is a safe integer. */
const DIGITS = /^[0-9]{1,16}$/;

/** The latest time a JavaScript `Date` (and so a query bound) can hold: 8.64e15 ms, in the year 275760. */
export const MAX_TIME_MS = 8_640_000_000_000_000;

/** Builders of parameter schemas. */
export const param = {
  /**
   * A non-negative decimal string, Binance's legal range (`1`, `0.1`, `100.25`): never
   * a JSON number, so no value passes through floating point. Grids and limits are the
   * market's business (`parseOnGrid`, `fromDecimalError`).
   */
  decimal: () => z.string().regex(DECIMAL),

  /** A market symbol as sent (`SOLUSDC`, `SOL_USDC`); whether it is listed is the endpoint's check. */
  symbol: () => z.string().regex(SYMBOL),

  /**
   * A non-negative integer within `[min, max]` (default 0 … 2^53 − 1): digits on
   * `/api/v3`, digits or a JSON integer on `/api/v1`. Output: a number.
   */
  integer: (options: { readonly min?: number; readonly max?: number } = {}) =>
    z
      .preprocess(
        (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
        z.string().regex(DIGITS),
      )
      .transform(Number)
      .pipe(
        z
          .number()
          .min(options.min ?? 0)
          .max(options.max ?? Number.MAX_SAFE_INTEGER),
      ),

  /**
   * A time in ms since the epoch (`startTime`, `endTime`), at most {@link MAX_TIME_MS}:
   * a later one has no date, so it would reach the database as `NaN`. Output: a number.
   */
  time: () => param.integer({ max: MAX_TIME_MS }),

  /** `true` or `false`, as a string or a JSON boolean. Output: a boolean. */
  boolean: () =>
    z
      .preprocess((v) => (typeof v === 'boolean' ? String(v) : v), z.enum(['true', 'false']))
      .transform((v) => v === 'true'),

  /** Free text of at most `max` characters (a label, a client order id). */
  text: (max: number) => z.string().max(max),
};
