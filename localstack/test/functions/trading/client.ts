/**
 * A test client that signs like a Binance client (HMAC-SHA256 of the query string
 * followed by the body, `X-MBX-APIKEY`), for both faces: `/api/v3` form parameters in
 * the query string, `/api/v1` JSON bodies.
 */
import { createHmac } from 'node:crypto';
import type { HttpApi } from '@exchange/localstack';

/** An account's key pair, as sign-up returns it. */
export interface TestKey {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
}

/** A response with its parsed JSON body. */
export interface TestResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  readonly body: any;
}

/** Hex HMAC-SHA256 of `payload` under `secret`. */
export function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

let nonce = 0;

/**
 * Sends a signed request: `params` go into the query string (with `timestamp` and
 * `signature`), `json` into a JSON body (signed after the query string).
 */
export async function call(
  api: HttpApi,
  key: TestKey,
  method: string,
  path: string,
  params: Readonly<Record<string, string | number | boolean>> = {},
  json?: Readonly<Record<string, unknown>>,
): Promise<TestResponse> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  // Each signature is accepted once: a distinct recvWindow keeps same-millisecond calls apart.
  query.set('recvWindow', String(50_000 + (nonce++ % 10_000)));
  query.set('timestamp', String(Date.now()));
  const body = json === undefined ? undefined : JSON.stringify(json);
  const signed = query.toString();
  const signature = sign(key.secretKey, signed + (body ?? ''));
  const response = await fetch(`${api.url}${path}?${signed}&signature=${signature}`, {
    method,
    headers: {
      'X-MBX-APIKEY': key.apiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}

/** A fresh account through open sign-up; `body` may ask for permissions (`{permissions: [...]}`). */
export async function signUp(api: HttpApi, body?: Readonly<Record<string, unknown>>): Promise<TestKey> {
  const response = await fetch(`${api.url}/api/v1/accounts`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (response.status !== 201) throw new Error(`sign-up answered ${response.status}`);
  return (await response.json()) as TestKey;
}

/**
 * A fresh account with `permissions`, credited through the on-ramp with each of `deposits`
 * (asset → amount).
 */
export async function funded(
  api: HttpApi,
  deposits: Readonly<Record<string, string>>,
  permissions: readonly string[] = ['read', 'trade'],
): Promise<TestKey> {
  const key = await signUp(api, { permissions });
  for (const [asset, amount] of Object.entries(deposits)) {
    const credited = await call(api, key, 'POST', '/api/v1/onramp', {}, { asset, amount });
    if (credited.status !== 200) throw new Error(`on-ramp of ${amount} ${asset} answered ${credited.status}`);
  }
  return key;
}

/** Polls `probe` until it returns a value other than undefined (the DB processor is asynchronous). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
