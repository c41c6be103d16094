/**
 * Reads a request's parameters the way its face defines them, before anything else
 * looks at them:
 *
 * - `/api/v3` (Binance): the query string and an `application/x-www-form-urlencoded`
 *   body, merged; where both send a parameter the query string wins, as on Binance.
 * - `/api/v1`: the query string and a JSON object body, merged; a parameter in both is
 *   refused as a duplicate.
 *
 * The body is decoded from base64 when API Gateway sent it so, must be UTF-8 and at
 * most {@link MAX_BODY_BYTES} bytes (413 beyond). A parameter repeated within the query
 * string or the form is refused (-1101), and an empty or `null` value counts as not
 * sent. A NUL character anywhere in a name or value (a JSON body's nested ones too) is
 * refused (-1100): no text column can store it, and no parameter needs it. The raw
 * query string and body are kept for signature checks.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiMiddleware, ApiRequestState } from '../api-context.js';
import { ApiError } from '../api-error.js';
import type { Face } from '../error-codes.js';

/** The largest body accepted: 64 KiB, far above any order or key request. */
export const MAX_BODY_BYTES = 64 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The middleware: sets `context.api` for everything after it. */
export function params(face: Face): ApiMiddleware {
  return {
    name: 'params',
    before: (request) => {
      request.context.api = readRequest(request.event, face);
    },
  };
}

/**
 * The request's parameters and raw parts (pure; the middleware's work).
 * @throws ApiError `BODY_TOO_LARGE`, `MALFORMED_JSON`, `ILLEGAL_CHARACTERS` or `DUPLICATE_PARAMETER`
 */
export function readRequest(event: APIGatewayProxyEventV2, face: Face): ApiRequestState {
  const rawQueryString = event.rawQueryString ?? '';
  const rawBody = bodyOf(event, face);
  const merged: Record<string, unknown> = Object.create(null);
  addForm(merged, rawQueryString, 'query');
  if (rawBody !== '') {
    if (face === 'v3') addForm(merged, rawBody, 'body');
    else addJson(merged, rawBody);
  }
  return { face, params: merged, rawQueryString, rawBody };
}

function bodyOf(event: APIGatewayProxyEventV2, face: Face): string {
  const body = event.body;
  if (body === undefined || body === '') return '';
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) throw tooLarge();
    return body;
  }
  // Base64 is 4 characters per 3 bytes: anything longer is too large before decoding.
  if (body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) throw tooLarge();
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  try {
    return UTF8.decode(bytes);
  } catch {
    throw face === 'v3'
      ? new ApiError('ILLEGAL_CHARACTERS', { field: 'body', detail: 'the body is not UTF-8' })
      : new ApiError('MALFORMED_JSON', { field: 'body', detail: 'the body is not UTF-8' });
  }
}

function tooLarge(): ApiError {
  return new ApiError('BODY_TOO_LARGE', { field: 'body', detail: `more than ${MAX_BODY_BYTES} bytes` });
}

/** Adds form-encoded parameters; the query string (added first) wins over the body. */
function addForm(into: Record<string, unknown>, text: string, source: 'query' | 'body'): void {
  if (text === '') return;
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (seen.has(key)) throw new ApiError('DUPLICATE_PARAMETER', { field: key });
    seen.add(key);
    refuseNul(key, key);
    refuseNul(value, key);
    if (value === '' || (source === 'body' && key in into)) continue;
    into[key] = value;
  }
}

function addJson(into: Record<string, unknown>, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError('MALFORMED_JSON', { field: 'body', detail: (error as Error).message });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError('MALFORMED_JSON', { field: 'body', detail: 'expected a JSON object' });
  }
  for (const [key, value] of Object.entries(parsed)) {
    refuseNul(key, key);
    refuseNul(value, key);
    if (value === null || value === '') continue;
    if (key in into) throw new ApiError('DUPLICATE_PARAMETER', { field: key });
    into[key] = value;
  }
}

/** Throws `ILLEGAL_CHARACTERS` for `field` when `value` (or any string nested in it) holds a NUL. */
function refuseNul(value: unknown, field: string, depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new ApiError('ILLEGAL_CHARACTERS', { field: printable(field) });
    return;
  }
  // JSON.parse bounds the depth by the body's size (64 KiB); the guard keeps the walk shallow anyway.
  if (typeof value !== 'object' || value === null || depth > 32) return;
  for (const [key, nested] of Object.entries(value)) {
    refuseNul(key, field, depth + 1);
    refuseNul(nested, field, depth + 1);
  }
}

/** A field name as it may be echoed back: NULs shown as `\0`. */
function printable(field: string): string {
  return field.replaceAll('\u0000', '\\0');
}
