/**
 * What API Gateway makes of a handler's result under payload format 2.0: an object with
 * `statusCode` is a proxy response (`headers`, `multiValueHeaders`, `cookies` as
 * Set-Cookie, `body`, base64-decoded when `isBase64Encoded`); any other JSON value is
 * a 200 `application/json` whose body is the value as JSON (a string as it is). A
 * result that breaks these rules, or cannot be serialised, yields `undefined`: the
 * caller answers 500 as AWS does.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** A response ready for node:http; each is new, so the server may add headers to it. */
export interface HttpReply {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer;
}

type HeaderValue = string | number | boolean;

const JSON_TYPE = 'application/json';

export function replyOf(result: unknown): HttpReply | undefined {
  if (typeof result === 'string') return inferred(result);
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    return proxyReply(result as Record<string, unknown>);
  }
  // Lambda serialises the result (undefined as null) before API Gateway sees it.
  let json: string | undefined;
  try {
    json = JSON.stringify(result ?? null);
  } catch {
    return undefined;
  }
  return json === undefined ? undefined : inferred(json);
}

function inferred(body: string): HttpReply {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
}

function proxyReply(result: Record<string, unknown>): HttpReply | undefined {
  const { statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded } = result;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return undefined;

  const out: OutgoingHttpHeaders = {};
  if (headers !== undefined && headers !== null) {
    if (!isRecord(headers)) return undefined;
    for (const name in headers) {
      const value = headers[name];
      if (!isHeaderValue(value)) return undefined;
      out[name.toLowerCase()] = typeof value === 'string' ? value : String(value);
    }
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (!isRecord(multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(isHeaderValue)) return undefined;
      const key = name.toLowerCase();
      out[key] = [...asList(out[key]), ...values.map(String)];
    }
  }
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string')) return undefined;
    out['set-cookie'] = [...asList(out['set-cookie']), ...cookies];
  }
  const text = typeof body === 'string' ? body : '';
  return {
    status: statusCode,
    headers: out,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : text,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHeaderValue(value: unknown): value is HeaderValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asList(value: OutgoingHttpHeaders[string]): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}
