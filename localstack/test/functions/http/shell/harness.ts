/**
 * The real stack for REST shell tests: Redis (own key prefix), a scratch PostgreSQL
 * database with the functions' migrations, and the API Gateway HTTP emulator serving
 * the route table plus any test routes; and a client that signs like a Binance client.
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '@exchange/functions/auth/signature';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { closeDatabase } from '@exchange/functions/db/pool';
import { closeRedis } from '@exchange/functions/db/redis';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import {
  createScratchDatabase,
  ensureRedis,
  type RunningService,
  type ScratchDatabase,
} from '@exchange/local-services';
import { type HttpApi, type LambdaRoute, loadRouteTable, startHttpApi } from '@exchange/localstack';

/** A running stack; `problems` collects what the emulator reports (5xx, timeouts). */
export interface Harness {
  readonly api: HttpApi;
  readonly db: ScratchDatabase;
  readonly problems: unknown[];
  close(): Promise<void>;
}

/**
 * Starts Redis and PostgreSQL, points the functions' shared clients at them (before
 * their first use), and serves `HTTP_ROUTES` plus `routes()` — a callback, so that
 * test routes built with the endpoint helpers are created after the environment is set.
 */
export async function startHarness(routes: () => LambdaRoute[] = () => []): Promise<Harness> {
  const redis: RunningService = await ensureRedis();
  process.env.REDIS_URL = redis.url;
  process.env.REDIS_PREFIX = `test-${randomBytes(6).toString('hex')}:`;
  const db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
  process.env.DATABASE_URL = db.url;
  const problems: unknown[] = [];
  const api = await startHttpApi({
    routes: [...(await loadRouteTable(HTTP_ROUTES)), ...routes()],
    onInvocationError: (_, problem) => problems.push(problem),
  });
  return {
    api,
    db,
    problems,
    async close() {
      await api.close();
      await closeDatabase();
      await closeRedis();
      await db.drop();
      await redis.stop();
    },
  };
}

/** What a test request sends; the signature parameters are added by {@link send}. */
export interface TestRequest {
  readonly method?: string;
  readonly path: string;
  /** The query string as sent, without `?` and without the signature parameters. */
  readonly query?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sign with this key: adds `X-MBX-APIKEY`, `timestamp` (now unless given) and `signature`. */
  readonly key?: { readonly apiKey: string; readonly secretKey: string };
  readonly timestamp?: number;
  readonly recvWindow?: number;
  /** Where the signature parameters go: the query string (default) or a form body. */
  readonly signIn?: 'query' | 'body';
}

/** A response with its JSON body. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** Signs (when `key` is given) and sends a request the way a Binance client does. */
export async function send(api: HttpApi, request: TestRequest): Promise<TestResponse> {
  let query = request.query ?? '';
  let body = request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.key !== undefined) {
    headers['X-MBX-APIKEY'] = request.key.apiKey;
    const timing = [
      ...(request.recvWindow === undefined ? [] : [`recvWindow=${request.recvWindow}`]),
      `timestamp=${request.timestamp ?? Date.now()}`,
    ].join('&');
    if (request.signIn === 'body') {
      body = [body, timing].filter((p) => p !== undefined && p !== '').join('&');
      body += `&signature=${hmacSha256Hex(request.key.secretKey, query + body)}`;
    } else {
      query = [query, timing].filter((p) => p !== '').join('&');
      query += `&signature=${hmacSha256Hex(request.key.secretKey, query + (body ?? ''))}`;
    }
  }
  const response = await fetch(`${api.url}${request.path}${query === '' ? '' : `?${query}`}`, {
    method: request.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) };
}

/** A fresh account through open sign-up. */
export async function signUp(
  api: HttpApi,
  body = '{}',
): Promise<{ accountId: string; apiKey: string; secretKey: string }> {
  const response = await send(api, {
    method: 'POST',
    path: '/api/v1/accounts',
    body,
    contentType: 'application/json',
  });
  if (response.status !== 201)
    throw new Error(`sign-up answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { accountId: string; apiKey: string; secretKey: string };
}
