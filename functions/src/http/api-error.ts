/**
 * The one error class of the REST API. Throw it anywhere below a handler built with
 * `publicEndpoint`/`signedEndpoint`; the errors middleware renders it for the face the
 * endpoint serves:
 *
 * - `/api/v1`: `{"code":"MISSING_PARAMETER","message":"Mandatory parameter 'symbol' …","field":"symbol"}`
 * - `/api/v3`: `{"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}`
 *
 * The code table is `error-codes.ts`.
 */
import type { DecimalError, RejectCode } from '@exchange/protocol';
import { ERROR_SPECS, type ErrorCode, type ErrorDetails, type Face } from './error-codes.js';

/** The `/api/v1` error body. */
export interface NativeErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
}

/** The `/api/v3` error body, Binance's. */
export interface BinanceErrorBody {
  readonly code: number;
  readonly msg: string;
}

/**
 * An error the client caused (or a limit it hit), with everything both faces need.
 *
 * @example
 * throw new ApiError('MISSING_PARAMETER', { field: 'symbol' });
 * throw new ApiError('UNKNOWN_SYMBOL', { field: 'symbol', detail: `'${symbol}' is not listed` });
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** Seconds, sent as `Retry-After` (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    details: ErrorDetails = {},
    options: { readonly retryAfterSeconds?: number; readonly cause?: unknown } = {},
  ) {
    super(
      ERROR_SPECS[code].message(details),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The field at fault, if any. */
  get field(): string | undefined {
    return this.details.field;
  }

  /** The HTTP status on `face`. */
  status(face: Face): number {
    const spec = ERROR_SPECS[this.code];
    return face === 'v3' ? (spec.binanceStatus ?? spec.status) : spec.status;
  }

  /** The body on `face`. */
  body(face: Face): NativeErrorBody | BinanceErrorBody {
    const spec = ERROR_SPECS[this.code];
    if (face === 'v3') {
      const code = typeof spec.binanceCode === 'number' ? spec.binanceCode : spec.binanceCode(this.details);
      return { code, msg: spec.binanceMessage(this.details) };
    }
    return this.details.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.details.field };
  }
}

/**
 * An engine rejection (a `Reply`'s reject code) as the API answers it.
 *
 * @example
 * if (reply.status === 'REJECTED') throw rejectionError(reply.code, { action: 'cancel', detail: reply.detail });
 */
export function rejectionError(code: RejectCode, details: ErrorDetails = {}): ApiError {
  return new ApiError(code, details);
}

/**
 * A `DecimalError` from `parseOnGrid`/`parseUnits` on parameter `field` as the API
 * answers it: not a number or negative → `ILLEGAL_CHARACTERS` (-1100). With `offGrid`
 * (`PRICE_FILTER` for a price, `LOT_SIZE` for a quantity; -1013), a value finer than
 * the grid, between two steps or out of range is that filter failure, as on Binance.
 * Without it, too many decimals → `BAD_PRECISION` (-1111), anything else → `BAD_PARAMETER`.
 *
 * @example
 * try { ticks = parseOnGrid(params.price, market.tick); }
 * catch (e) { if (e instanceof DecimalError) throw fromDecimalError(e, 'price', 'PRICE_FILTER'); throw e; }
 */
export function fromDecimalError(error: DecimalError, field: string, offGrid?: RejectCode): ApiError {
  const detail = error.message;
  if (error.kind === 'NOT_A_NUMBER' || error.kind === 'NEGATIVE') {
    return new ApiError('ILLEGAL_CHARACTERS', { field, legalRange: DECIMAL_RANGE, detail });
  }
  if (offGrid !== undefined) return new ApiError(offGrid, { field, detail });
  return new ApiError(error.kind === 'TOO_MANY_DECIMALS' ? 'BAD_PRECISION' : 'BAD_PARAMETER', {
    field,
    detail,
  });
}

/** Binance's legal range for prices and quantities, quoted in its -1100 messages. */
export const DECIMAL_RANGE = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';
