/**
 * The public REST API (`/api/v1`), signed requests included: Binance's HMAC-SHA256
 * scheme with WebCrypto — `X-MBX-APIKEY`, and `timestamp`, `recvWindow`, `signature`
 * in the query string, the signature covering the query string followed by the raw
 * JSON body.
 */
import { appConfig } from './config';
import type { Credentials } from './session';

/** An answer that was not 2xx: the API's stable code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const RECV_WINDOW = '10000';

/**
 * A timestamp never used before by this page. A signature is accepted once, and it
 * covers only the query string and body — not the path — so two parameterless requests
 * in the same millisecond (`GET balances`, `GET keys`) would otherwise sign alike and
 * the second be refused as a replay.
 */
let lastTimestamp = 0;
function uniqueTimestamp(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}
const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

/** Hex HMAC-SHA256 of `payload` under `secret`. */
export async function hmacHex(secret: string, payload: string): Promise<string> {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    keyCache.set(secret, key);
  }
  const signature = await crypto.subtle.sign('HMAC', await key, encoder.encode(payload));
  return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

type Query = Readonly<Record<string, string | number | undefined>>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  return params.toString();
}

async function send<T>(method: string, path: string, init: RequestInit, query: string): Promise<T> {
  const { apiUrl } = await appConfig();
  const response = await fetch(`${apiUrl}/api/v1/${path}${query === '' ? '' : `?${query}`}`, {
    ...init,
    method,
    cache: 'no-store',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? text);
  }
  return body as T;
}

/** A public `GET`. */
export function publicGet<T>(path: string, query: Query = {}): Promise<T> {
  return send<T>('GET', path, {}, queryString(query));
}

/** A public `POST` with a JSON body (sign-up). */
export function publicPost<T>(path: string, body: unknown): Promise<T> {
  return send<T>(
    'POST',
    path,
    { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    '',
  );
}

/** A signed request: parameters in the query string (GET/DELETE) or a JSON body (POST). */
export async function signed<T>(
  credentials: Credentials,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Readonly<Record<string, unknown>> = {},
): Promise<T> {
  const inBody = method === 'POST';
  const body = inBody ? JSON.stringify(params) : '';
  const base = inBody ? {} : (params as Query);
  const query = queryString({ ...base, recvWindow: RECV_WINDOW, timestamp: uniqueTimestamp() });
  const signature = await hmacHex(credentials.secretKey, query + body);
  const headers: Record<string, string> = { 'X-MBX-APIKEY': credentials.apiKey };
  if (inBody) headers['content-type'] = 'application/json';
  return send<T>(method, path, inBody ? { headers, body } : { headers }, `${query}&signature=${signature}`);
}

/** The query string of a signed WebSocket `$connect` (`apiKey`, `timestamp`, `signature`). */
export async function signedConnectQuery(credentials: Credentials): Promise<string> {
  const query = `apiKey=${encodeURIComponent(credentials.apiKey)}&timestamp=${uniqueTimestamp()}`;
  return `${query}&signature=${await hmacHex(credentials.secretKey, `ws-connect:${query}`)}`;
}

/** A message for a failure, for the screen. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
