/**
 * Binance's HMAC-SHA256 request signing, checked byte for byte. Pure: no I/O, and the
 * clock comes in as `nowMs`.
 *
 * The signed payload is the query string exactly as sent, without its `signature`
 * parameter, immediately followed (no separator) by the request body exactly as sent
 * (a form body also without its `signature` parameter). The signature is the hex
 * HMAC-SHA256 of that payload under the API secret, in any letter case.
 *
 * Timing, as Binance specifies it: `timestamp` (ms) is required, `recvWindow` (ms, up
 * to three decimals) defaults to 5000 and may not exceed 60000, and a request is
 * accepted only when `timestamp < now + 1000 && now - timestamp <= recvWindow`.
 *
 * Where the parameters come from depends on the body: a form body
 * (`application/x-www-form-urlencoded`, `/api/v3`) carries parameters like the query
 * string, and the query string wins where both have one (Binance's rule); any other
 * body (JSON, `/api/v1`) is only signed, and `timestamp`, `recvWindow` and `signature`
 * must be in the query string.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `recvWindow` when the request does not send one. */
export const DEFAULT_RECV_WINDOW_MS = 5000;
/** The largest `recvWindow` accepted. */
export const MAX_RECV_WINDOW_MS = 60_000;
/** How far ahead of the server's clock a timestamp may be. */
export const FUTURE_TOLERANCE_MS = 1000;

/** Binance's legal range for `timestamp`, quoted in its -1100 message. */
export const TIMESTAMP_RANGE = '^[0-9]{1,20}$';
/** Legal range for `recvWindow`: milliseconds with up to three decimals. */
export const RECV_WINDOW_RANGE = '^[0-9]{1,20}(\\.[0-9]{1,3})?$';
const TIMESTAMP_PATTERN = new RegExp(TIMESTAMP_RANGE);
const RECV_WINDOW_PATTERN = new RegExp(RECV_WINDOW_RANGE);
const HEX_SIGNATURE = /^[0-9a-fA-F]{64}$/;

/** The parts of a request that take part in its signature. */
export interface SignedRequestParts {
  /** The query string exactly as sent, without the `?`; `''` when there is none. */
  readonly rawQueryString: string;
  /** The body exactly as sent (decoded from base64 if need be); `''` when there is none. */
  readonly body: string;
  /** True when the body is a form whose parameters count like the query string's. */
  readonly formBody: boolean;
}

/** Why a signed request was refused; the codes are the API's stable error codes. */
export type SignatureFailure =
  | { readonly code: 'MISSING_PARAMETER'; readonly field: 'timestamp' | 'signature' }
  | { readonly code: 'DUPLICATE_PARAMETER'; readonly field: string }
  | {
      readonly code: 'ILLEGAL_CHARACTERS';
      readonly field: 'timestamp' | 'recvWindow';
      readonly legalRange: string;
    }
  | { readonly code: 'RECV_WINDOW_TOO_LARGE'; readonly field: 'recvWindow' }
  | { readonly code: 'TIMESTAMP_OUTSIDE_RECV_WINDOW'; readonly field: 'timestamp' }
  | { readonly code: 'TIMESTAMP_AHEAD_OF_SERVER'; readonly field: 'timestamp' }
  | { readonly code: 'INVALID_SIGNATURE'; readonly field: 'signature' };

/** The outcome of {@link verifySignedRequest}. */
export type SignatureCheck =
  | {
      readonly ok: true;
      readonly timestamp: number;
      readonly recvWindow: number;
      /** Lower-case hex: the same request always yields the same string (replay keys). */
      readonly signature: string;
    }
  | { readonly ok: false; readonly failure: SignatureFailure };

/** One `name=value` piece of a query string or form body, with its exact text. */
interface RawParam {
  readonly name: string;
  readonly value: string;
  readonly raw: string;
}

const SIGNED_PARAMS = ['timestamp', 'recvWindow', 'signature'] as const;
type SignedParam = (typeof SIGNED_PARAMS)[number];

/**
 * The hex HMAC-SHA256 of `payload` under `secretKey`: what a client sends as
 * `signature`.
 *
 * @example
 * hmacSha256Hex(
 *   'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
 *   'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
 * ); // 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'
 */
export function hmacSha256Hex(secretKey: string, payload: string): string {
  return createHmac('sha256', secretKey).update(payload, 'utf8').digest('hex');
}

/** The exact text that is signed: the query string and body without their `signature` parameters. */
export function signaturePayload(parts: SignedRequestParts): string {
  const query = withoutSignature(parts.rawQueryString);
  return parts.formBody ? query + withoutSignature(parts.body) : query + parts.body;
}

/**
 * Checks a signed request against the key's secret at time `nowMs`: parameters, then
 * timing, then the HMAC. Returns the first failure, as a value.
 *
 * @example
 * const check = verifySignedRequest({ rawQueryString, body: '', formBody: false }, secret, Date.now());
 * if (!check.ok) throw new ApiError(check.failure.code, check.failure);
 */
export function verifySignedRequest(
  parts: SignedRequestParts,
  secretKey: string,
  nowMs: number,
): SignatureCheck {
  const found = findSignedParams(parts);
  if ('code' in found) return { ok: false, failure: found };

  const { signature, timestamp: timestampText, recvWindow: recvWindowText } = found;
  if (signature === undefined || signature === '') {
    return { ok: false, failure: { code: 'MISSING_PARAMETER', field: 'signature' } };
  }
  if (timestampText === undefined || timestampText === '') {
    return { ok: false, failure: { code: 'MISSING_PARAMETER', field: 'timestamp' } };
  }
  if (!TIMESTAMP_PATTERN.test(timestampText)) {
    return {
      ok: false,
      failure: { code: 'ILLEGAL_CHARACTERS', field: 'timestamp', legalRange: TIMESTAMP_RANGE },
    };
  }
  let recvWindow = DEFAULT_RECV_WINDOW_MS;
  if (recvWindowText !== undefined && recvWindowText !== '') {
    if (!RECV_WINDOW_PATTERN.test(recvWindowText)) {
      return {
        ok: false,
        failure: { code: 'ILLEGAL_CHARACTERS', field: 'recvWindow', legalRange: RECV_WINDOW_RANGE },
      };
    }
    recvWindow = Number(recvWindowText);
    if (recvWindow > MAX_RECV_WINDOW_MS) {
      return { ok: false, failure: { code: 'RECV_WINDOW_TOO_LARGE', field: 'recvWindow' } };
    }
  }

  const timestamp = Number(timestampText);
  if (timestamp >= nowMs + FUTURE_TOLERANCE_MS) {
    return { ok: false, failure: { code: 'TIMESTAMP_AHEAD_OF_SERVER', field: 'timestamp' } };
  }
  if (nowMs - timestamp > recvWindow) {
    return { ok: false, failure: { code: 'TIMESTAMP_OUTSIDE_RECV_WINDOW', field: 'timestamp' } };
  }

  if (!HEX_SIGNATURE.test(signature)) {
    return { ok: false, failure: { code: 'INVALID_SIGNATURE', field: 'signature' } };
  }
  const expected = Buffer.from(hmacSha256Hex(secretKey, signaturePayload(parts)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return { ok: false, failure: { code: 'INVALID_SIGNATURE', field: 'signature' } };
  }
  return { ok: true, timestamp, recvWindow, signature: signature.toLowerCase() };
}

/**
 * `timestamp`, `recvWindow` and `signature` from the query string, then from a form
 * body for those the query string lacks; a duplicate within one source is refused.
 */
function findSignedParams(
  parts: SignedRequestParts,
): Partial<Record<SignedParam, string>> | Extract<SignatureFailure, { code: 'DUPLICATE_PARAMETER' }> {
  const found: Partial<Record<SignedParam, string>> = {};
  const sources = parts.formBody ? [parts.rawQueryString, parts.body] : [parts.rawQueryString];
  for (const source of sources) {
    const seen = new Set<SignedParam>();
    for (const param of splitParams(source)) {
      const name = param.name as SignedParam;
      if (!SIGNED_PARAMS.includes(name)) continue;
      if (seen.has(name)) return { code: 'DUPLICATE_PARAMETER', field: name };
      seen.add(name);
      found[name] ??= param.value;
    }
  }
  return found;
}

/** The query string or form body without its `signature` pieces, every other byte kept. */
function withoutSignature(text: string): string {
  if (!text.includes('signature')) return text;
  return splitParams(text)
    .filter((p) => p.name !== 'signature')
    .map((p) => p.raw)
    .join('&');
}

function splitParams(text: string): RawParam[] {
  if (text === '') return [];
  return text.split('&').map((raw) => {
    const eq = raw.indexOf('=');
    return {
      raw,
      name: formDecode(eq === -1 ? raw : raw.slice(0, eq)),
      value: eq === -1 ? '' : formDecode(raw.slice(eq + 1)),
    };
  });
}

/** `application/x-www-form-urlencoded` decoding; a malformed escape is kept as sent. */
function formDecode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
