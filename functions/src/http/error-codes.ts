/**
 * Every error the REST API answers with, in one table: the stable native code (the
 * `/api/v1` body's `code`), its HTTP status, and Binance's numeric code, status and
 * exact message for `/api/v3`. Codes are never renumbered or reused; a retired code
 * stays here as a comment.
 *
 * The engine's business rejections (`REJECT_CODES` in `@exchange/protocol`) keep their
 * own names as native codes; {@link REJECTION_ERRORS} maps each one, and the type
 * check fails when a new reject code has no entry.
 */
import { REJECT_MESSAGES, type RejectCode } from '@exchange/protocol';

/** The two faces of the API: native `/api/v1` and Binance-compatible `/api/v3`. */
export type Face = 'v1' | 'v3';

/** What one occurrence of an error knows beyond its code; every piece is optional. */
export interface ErrorDetails {
  /** The parameter (or header) at fault; named in both faces' messages where they allow. */
  readonly field?: string;
  /** What exactly was wrong, for the native message only (`expected a decimal string`). */
  readonly detail?: string;
  /** The pattern a parameter must match, quoted in Binance's -1100 message. */
  readonly legalRange?: string;
  /** For -1104: how many parameters were read, and how many were sent. */
  readonly read?: number;
  readonly sent?: number;
  /** For -1003: the limit that was hit, Binance style (`6000 request weight per 1 MINUTE`). */
  readonly limit?: string;
  /** For `UNKNOWN_ORDER`: -2011 when cancelling, -2013 when querying. */
  readonly action?: 'cancel' | 'query';
}

/** How one code appears on each face. */
export interface ErrorSpec {
  /** HTTP status on `/api/v1`. */
  readonly status: number;
  /** The native message; it names the field when there is one. */
  readonly message: (d: ErrorDetails) => string;
  /** Binance's code on `/api/v3`. */
  readonly binanceCode: number | ((d: ErrorDetails) => number);
  /** HTTP status on `/api/v3` when it differs from {@link status}. */
  readonly binanceStatus?: number;
  /** Binance's exact message (its `%s` filled in). */
  readonly binanceMessage: (d: ErrorDetails) => string;
}

const name = (d: ErrorDetails): string => d.field ?? 'unknown';
const withDetail = (text: string, d: ErrorDetails): string =>
  d.detail ? `${text}: ${d.detail}.` : `${text}.`;

const INVALID_KEY_MESSAGE = 'Invalid API-key, IP, or permissions for action.';
const notValid = (d: ErrorDetails): string => `Data sent for parameter '${name(d)}' is not valid.`;
const filterFailure = (filter: string) => (): string => `Filter failure: ${filter}`;

/** The API's own errors: authentication, request shape, limits. */
const API_ERRORS = {
  // --- authentication (401 on both faces; Binance clients key off `code`)
  MISSING_API_KEY: {
    status: 401,
    message: () => 'This endpoint is signed: send your API key in the X-MBX-APIKEY header.',
    binanceCode: -2014,
    binanceMessage: () => 'API-key format invalid.',
  },
  API_KEY_FORMAT_INVALID: {
    status: 401,
    message: () => 'API-key format invalid: the X-MBX-APIKEY header must be 64 letters and digits.',
    binanceCode: -2014,
    binanceMessage: () => 'API-key format invalid.',
  },
  UNKNOWN_API_KEY: {
    status: 401,
    message: () => 'Unknown API key (X-MBX-APIKEY).',
    binanceCode: -2015,
    binanceMessage: () => INVALID_KEY_MESSAGE,
  },
  API_KEY_REVOKED: {
    status: 401,
    message: () => 'This API key (X-MBX-APIKEY) was revoked.',
    binanceCode: -2015,
    binanceMessage: () => INVALID_KEY_MESSAGE,
  },
  PERMISSION_DENIED: {
    status: 403,
    message: (d) => `This API key lacks the '${d.detail ?? 'trade'}' permission this endpoint needs.`,
    binanceCode: -2015,
    binanceStatus: 401,
    binanceMessage: () => INVALID_KEY_MESSAGE,
  },
  IP_NOT_ALLOWED: {
    status: 403,
    message: () => "This API key's IP allow-list does not include the address this request came from.",
    binanceCode: -2015,
    binanceStatus: 401,
    binanceMessage: () => INVALID_KEY_MESSAGE,
  },
  PERMISSION_ESCALATION: {
    status: 403,
    message: (d) =>
      `A key cannot grant permissions it does not hold itself: this key lacks ${d.detail ?? 'some of them'}.`,
    binanceCode: -2015,
    binanceStatus: 401,
    binanceMessage: () => INVALID_KEY_MESSAGE,
  },
  INVALID_SIGNATURE: {
    status: 401,
    message: () =>
      "Parameter 'signature' is not the HMAC-SHA256 of this request's query string and body under the API secret.",
    binanceCode: -1022,
    binanceMessage: () => 'Signature for this request is not valid.',
  },
  TIMESTAMP_OUTSIDE_RECV_WINDOW: {
    status: 401,
    message: () => "Parameter 'timestamp' is older than recvWindow allows.",
    binanceCode: -1021,
    binanceMessage: () => 'Timestamp for this request is outside of the recvWindow.',
  },
  TIMESTAMP_AHEAD_OF_SERVER: {
    status: 401,
    message: () => "Parameter 'timestamp' is 1000 ms or more ahead of the server's time.",
    binanceCode: -1021,
    binanceMessage: () => "Timestamp for this request was 1000ms ahead of the server's time.",
  },
  REPLAYED_REQUEST: {
    status: 401,
    message: () => "This request's signature was already used: send a new timestamp.",
    binanceCode: -1002,
    binanceMessage: () => 'You are not authorized to execute this request.',
  },
  RECV_WINDOW_TOO_LARGE: {
    status: 400,
    message: () => "Parameter 'recvWindow' must not exceed 60000.",
    binanceCode: -1131,
    binanceMessage: () => "'recvWindow' must be less than 60000.",
  },
  SIGNUP_DISABLED: {
    status: 403,
    message: () => 'Open sign-up is disabled on this deployment.',
    binanceCode: -1002,
    binanceMessage: () => 'You are not authorized to execute this request.',
  },

  // --- request shape
  MISSING_PARAMETER: {
    status: 400,
    message: (d) => `Mandatory parameter '${name(d)}' was not sent or was empty.`,
    binanceCode: -1102,
    binanceMessage: (d) => `Mandatory parameter '${name(d)}' was not sent, was empty/null, or malformed.`,
  },
  ILLEGAL_CHARACTERS: {
    status: 400,
    message: (d) =>
      d.legalRange === undefined
        ? `Illegal characters found in parameter '${name(d)}'.`
        : `Illegal characters found in parameter '${name(d)}'; legal range is '${d.legalRange}'.`,
    binanceCode: -1100,
    binanceMessage: (d) =>
      d.legalRange === undefined
        ? 'Illegal characters found in a parameter.'
        : `Illegal characters found in parameter '${name(d)}'; legal range is '${d.legalRange}'.`,
  },
  BAD_PARAMETER: {
    status: 400,
    message: (d) => withDetail(`Parameter '${name(d)}' is not valid`, d),
    binanceCode: -1130,
    binanceMessage: notValid,
  },
  BAD_PRECISION: {
    status: 400,
    message: (d) => withDetail(`Parameter '${name(d)}' has too much precision`, d),
    binanceCode: -1111,
    binanceMessage: (d) => `Parameter '${name(d)}' has too much precision.`,
  },
  DUPLICATE_PARAMETER: {
    status: 400,
    message: (d) => `Parameter '${name(d)}' was sent more than once.`,
    binanceCode: -1101,
    binanceMessage: () => 'Duplicate values for a parameter detected.',
  },
  UNKNOWN_PARAMETER: {
    status: 400,
    message: (d) => `Unknown parameter '${name(d)}' for this endpoint.`,
    binanceCode: -1104,
    binanceMessage: (d) =>
      `Not all sent parameters were read; read '${d.read ?? 0}' parameter(s) but was sent '${d.sent ?? 0}'.`,
  },
  PARAMETER_NOT_REQUIRED: {
    status: 400,
    message: (d) => withDetail(`Parameter '${name(d)}' was sent when not required`, d),
    binanceCode: -1106,
    binanceMessage: (d) => `Parameter '${name(d)}' sent when not required.`,
  },
  INVALID_SIDE: {
    status: 400,
    message: (d) => withDetail("Parameter 'side' is not valid", d),
    binanceCode: -1117,
    binanceMessage: () => 'Invalid side.',
  },
  INVALID_ORDER_TYPE: {
    status: 400,
    message: (d) => withDetail("Parameter 'type' is not valid", d),
    binanceCode: -1116,
    binanceMessage: () => 'Invalid orderType.',
  },
  INVALID_TIME_IN_FORCE: {
    status: 400,
    message: (d) => withDetail("Parameter 'timeInForce' is not valid", d),
    binanceCode: -1115,
    binanceMessage: () => 'Invalid timeInForce.',
  },
  INVALID_INTERVAL: {
    status: 400,
    message: (d) => withDetail("Parameter 'interval' is not valid", d),
    binanceCode: -1120,
    binanceMessage: () => 'Invalid interval.',
  },
  MALFORMED_JSON: {
    status: 400,
    message: (d) => withDetail('The request body is not a JSON object', d),
    binanceCode: -1135,
    binanceMessage: () => 'Invalid JSON Request',
  },
  BODY_TOO_LARGE: {
    status: 413,
    message: (d) => withDetail('The request body is too large', d),
    binanceCode: -1101,
    binanceMessage: () => 'Too many parameters sent for this endpoint.',
  },
  UNKNOWN_SYMBOL: {
    status: 400,
    message: (d) => withDetail(`Parameter '${d.field ?? 'symbol'}' names no market`, d),
    binanceCode: -1121,
    binanceMessage: () => 'Invalid symbol.',
  },
  NOT_FOUND: {
    status: 404,
    message: () => 'No such endpoint.',
    binanceCode: -1020,
    binanceMessage: () => 'This operation is not supported.',
  },
  API_KEY_NOT_FOUND: {
    status: 404,
    message: (d) => `Parameter '${d.field ?? 'apiKey'}' names no API key of this account.`,
    binanceCode: -1130,
    binanceStatus: 400,
    binanceMessage: notValid,
  },
  API_KEY_LIMIT_REACHED: {
    status: 409,
    message: (d) => `An account may hold at most ${d.detail ?? 'so many'} active API keys: revoke one first.`,
    binanceCode: -1130,
    binanceStatus: 400,
    binanceMessage: notValid,
  },
  INVALID_LISTEN_KEY: {
    status: 400,
    message: () => 'This listen key does not exist, expired, or belongs to another account.',
    binanceCode: -1125,
    binanceMessage: () => 'This listenKey does not exist.',
  },
  WITHDRAWAL_BELOW_MINIMUM: {
    status: 400,
    message: (d) =>
      `Parameter '${d.field ?? 'amount'}' is below the smallest withdrawal, ${d.detail ?? 'the minimum'}.`,
    binanceCode: -1130,
    binanceMessage: notValid,
  },

  // --- limits and failures
  TOO_MANY_UNSETTLED_WITHDRAWALS: {
    status: 409,
    message: (d) =>
      `An account may have at most ${d.detail ?? 'so many'} withdrawals waiting for settlement: wait for one to settle.`,
    binanceCode: -1130,
    binanceStatus: 400,
    binanceMessage: notValid,
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    message: (d) =>
      `Too many requests; current limit is ${d.limit ?? 'exceeded'}. Retry after the Retry-After seconds.`,
    binanceCode: -1003,
    binanceMessage: (d) =>
      d.limit === undefined
        ? 'Too many requests queued.'
        : `Too much request weight used; current limit is ${d.limit}. Please use WebSocket Streams for live updates to avoid polling the API.`,
  },
  INTERNAL_ERROR: {
    status: 500,
    message: () => 'Internal error; unable to process your request. Please try again.',
    binanceCode: -1001,
    binanceMessage: () => 'Internal error; unable to process your request. Please try again.',
  },
  // A dependency (Redis, PostgreSQL, SQS, the engine's read models) cannot answer: retry later.
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: (d) =>
      withDetail('A service this request needs is unavailable; retry after the Retry-After seconds', d),
    binanceCode: -1001,
    binanceMessage: () => 'Internal error; unable to process your request. Please try again.',
  },
} as const satisfies Record<string, ErrorSpec>;

function rejection(
  code: RejectCode,
  binanceCode: ErrorSpec['binanceCode'],
  binanceMessage: ErrorSpec['binanceMessage'],
  status = 400,
): ErrorSpec {
  const text = REJECT_MESSAGES[code];
  return {
    status,
    message: (d) => {
      const sentence = d.detail ? `${text.slice(0, -1)}: ${d.detail}.` : text;
      return d.field === undefined ? sentence : `Parameter '${d.field}': ${sentence}`;
    },
    binanceCode,
    binanceStatus: 400,
    binanceMessage,
  };
}

const field =
  (fallback: string) =>
  (d: ErrorDetails): string =>
    `Data sent for parameter '${d.field ?? fallback}' is not valid.`;

/**
 * The engine's rejections (`REJECT_CODES`), each as the API answers it. The native code
 * is the reject code itself and the native message `REJECT_MESSAGES`; the Binance codes
 * and messages come from Binance's "Filter failures" and -2010/-2011/-2013 tables.
 */
export const REJECTION_ERRORS: Readonly<Record<RejectCode, ErrorSpec>> = {
  INVALID_COMMAND: rejection('INVALID_COMMAND', -1014, () => 'Unsupported order combination.'),
  UNKNOWN_MARKET: rejection('UNKNOWN_MARKET', -1121, () => 'Invalid symbol.'),
  UNKNOWN_ASSET: rejection('UNKNOWN_ASSET', -1130, field('asset')),
  PRICE_FILTER: rejection('PRICE_FILTER', -1013, filterFailure('PRICE_FILTER')),
  LOT_SIZE: rejection('LOT_SIZE', -1013, filterFailure('LOT_SIZE')),
  MIN_NOTIONAL: rejection('MIN_NOTIONAL', -1013, filterFailure('NOTIONAL')),
  MAX_NOTIONAL: rejection('MAX_NOTIONAL', -1013, filterFailure('NOTIONAL')),
  INVALID_ORDER: rejection('INVALID_ORDER', -1014, () => 'Unsupported order combination.'),
  INSUFFICIENT_FUNDS: rejection(
    'INSUFFICIENT_FUNDS',
    -2010,
    () => 'Account has insufficient balance for requested action.',
  ),
  AMOUNT_OUT_OF_RANGE: rejection('AMOUNT_OUT_OF_RANGE', -1130, field('amount')),
  UNKNOWN_ORDER: rejection(
    'UNKNOWN_ORDER',
    (d) => (d.action === 'query' ? -2013 : -2011),
    (d) => (d.action === 'query' ? 'Order does not exist.' : 'Unknown order sent.'),
    404,
  ),
  DUPLICATE_CLIENT_ORDER_ID: rejection('DUPLICATE_CLIENT_ORDER_ID', -2010, () => 'Duplicate order sent.'),
  WOULD_TAKE: rejection('WOULD_TAKE', -2010, () => 'Order would immediately match and take.'),
  UNKNOWN_WITHDRAWAL: rejection('UNKNOWN_WITHDRAWAL', -1130, field('withdrawalId'), 404),
  WOULD_TRIGGER: rejection('WOULD_TRIGGER', -2010, () => 'Order would trigger immediately.'),
  TRAILING_DELTA: rejection('TRAILING_DELTA', -1013, filterFailure('TRAILING_DELTA')),
  ORDER_LIST_PRICES: rejection(
    'ORDER_LIST_PRICES',
    -2010,
    () => 'The relationship of the prices for the orders is not correct.',
  ),
  QUANTITY_INCREASE: rejection(
    'QUANTITY_INCREASE',
    -2038,
    () => 'Order amend (quantity increase) is not supported.',
  ),
  MAX_NUM_ORDERS: rejection('MAX_NUM_ORDERS', -2010, filterFailure('MAX_NUM_ORDERS')),
  MAX_NUM_ALGO_ORDERS: rejection('MAX_NUM_ALGO_ORDERS', -2010, filterFailure('MAX_NUM_ALGO_ORDERS')),
  UNKNOWN_ORDER_LIST: rejection(
    'UNKNOWN_ORDER_LIST',
    (d) => (d.action === 'query' ? -2013 : -2011),
    (d) => (d.action === 'query' ? 'Order list does not exist.' : 'Unknown order list sent.'),
    404,
  ),
};

/** Every native error code. */
export type ErrorCode = keyof typeof API_ERRORS | RejectCode;

/** The whole table, API errors and engine rejections. */
export const ERROR_SPECS: Readonly<Record<ErrorCode, ErrorSpec>> = { ...API_ERRORS, ...REJECTION_ERRORS };
