/**
 * Binance's WebSocket API over the same WebSocket API as the streams: a message
 * `{"id":…,"method":"order.place","params":{…}}` is routed by API Gateway on
 * `$request.body.method` to this handler, which answers
 * `{"id":…,"status":200,"result":…,"rateLimits":[]}` or
 * `{"id":…,"status":400,"error":{"code":-1102,"msg":…},"rateLimits":[]}` with Binance's codes and
 * messages.
 *
 * Market data and trading methods are answered by the `/api/v3` endpoint each shares
 * (`api-methods.ts`), called in-process with the method's parameters as its query.
 * Signed methods carry `apiKey`, `timestamp`, `signature` (and `recvWindow`) in
 * `params`, signed as Binance's WebSocket API specifies (`api-signing.ts`); after the
 * check the request is handed to the endpoint as the same account's signed REST call,
 * so permissions, IP allow-lists, filters and rate limits are the REST API's.
 *
 * Limits: every message counts against its connection's message limit
 * (`message-limit-settings.ts`); the request weight of a method is counted per IP by its
 * endpoint, and a frame no endpoint answers costs 1 weight of the IP in the same round
 * trip. Over a limit the answer is 429 with Binance's -1003 and
 * `error.data.retryAfter` (ms since the epoch); the connection stays open.
 *
 * The session methods subscribe the connection to its account's user data stream:
 * `userDataStream.subscribe.signature` → `{"subscriptionId":0}`, after which
 * `{"subscriptionId":0,"event":{…}}` messages arrive; `userDataStream.unsubscribe`;
 * `session.subscriptions`.
 */
import { randomUUID } from 'node:crypto';
import { accountStream } from '@exchange/protocol';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { accountStore } from '../accounts/account-store.js';
import { CREDENTIAL_PATTERN } from '../accounts/credentials.js';
import { ipAllowed } from '../accounts/ip-allow-list.js';
import { claimLifetimeMs, claimSignature, replayKey } from '../auth/replay-guard.js';
import { hmacSha256Hex } from '../auth/signature.js';
import { isDependencyFailure } from '../db/dependency-errors.js';
import { keys, redis } from '../db/redis.js';
import { ApiError, type BinanceErrorBody } from '../http/api-error.js';
import { spendIp, tooManyRequests } from '../http/middleware/rate-limit.js';
import { rateLimits } from '../http/rate-limit-settings.js';
import type { RestMethodName, SessionMethodName } from './api-method-names.js';
import { REST_METHOD_NAMES } from './api-method-names.js';
import { REST_METHODS } from './api-methods.js';
import { type ApiParams, type ApiRequest, parseApiRequest, WsApiRequestError } from './api-request.js';
import { checkWsApiSignature } from './api-signing.js';
import { admitMessage } from './message-limits.js';
import { subscriptionRegistry } from './registry.js';
import { type WsEvent, type WsResult, wsLogger } from './ws-event.js';

/** The answer to one request. */
export type ApiResponse =
  | {
      readonly id: ApiRequest['id'];
      readonly status: number;
      readonly result: unknown;
      readonly rateLimits: [];
    }
  | {
      readonly id: ApiRequest['id'];
      readonly status: number;
      readonly error: ApiErrorBody;
      readonly rateLimits: [];
    };

/** Binance's error object: `data` holds `retryAfter` on a 429, a cancel-replace's results on -2021/-2022. */
export type ApiErrorBody = BinanceErrorBody & { readonly data?: unknown };

/** The one subscription id of a connection's user data stream. */
const SUBSCRIPTION_ID = 0;

/** The handler of every WebSocket API route. */
export async function handler(event: WsEvent): Promise<WsResult> {
  return { statusCode: 200, body: JSON.stringify(await answer(event)) };
}

/**
 * The answer to one message. Every message is first counted against its connection's
 * message limit; one that no `/api/v3` endpoint will count (a frame that is not a
 * request, a session method) costs 1 weight of its IP's budget in the same round trip.
 */
async function answer(event: WsEvent): Promise<ApiResponse> {
  let parsed: ApiRequest | WsApiRequestError;
  try {
    parsed = parseApiRequest(event.body ?? undefined);
  } catch (error) {
    if (!(error instanceof WsApiRequestError)) throw error;
    parsed = error;
  }
  const request = parsed instanceof WsApiRequestError ? undefined : parsed;
  const id = request?.id ?? (parsed instanceof WsApiRequestError ? parsed.id : null);
  const rest = request !== undefined && (REST_METHOD_NAMES as readonly string[]).includes(request.method);
  try {
    const admission = await admitMessage(
      event.requestContext.connectionId,
      'api',
      sourceIpOf(event),
      rest ? 0 : 1,
    );
    if (!admission.admitted) {
      throw new ApiError(
        'TOO_MANY_REQUESTS',
        { limit: admission.limit },
        { retryAfterSeconds: Math.max(1, Math.ceil(admission.retryAfterMs / 1000)) },
      );
    }
    if (request === undefined) throw parsed;
    const result = rest
      ? await restCall(request.method as RestMethodName, request.params, event)
      : await sessionCall(request.method as SessionMethodName, request.params, event);
    if (result.status >= 400) {
      return {
        id,
        status: result.status,
        error: withRetryAfter(result.body as BinanceErrorBody, result.retryAfterSeconds),
        rateLimits: [],
      };
    }
    return { id, status: result.status, result: result.body, rateLimits: [] };
  } catch (error) {
    const refusal =
      error instanceof WsApiRequestError
        ? error.error
        : isDependencyFailure(error)
          ? new ApiError('SERVICE_UNAVAILABLE', {}, { cause: error })
          : error;
    if (!(refusal instanceof ApiError)) {
      wsLogger().error({ err: error, route: event.requestContext.routeKey }, 'WebSocket API request failed');
      const internal = new ApiError('INTERNAL_ERROR');
      return {
        id,
        status: internal.status('v3'),
        error: internal.body('v3') as BinanceErrorBody,
        rateLimits: [],
      };
    }
    return {
      id,
      status: refusal.status('v3'),
      error: withRetryAfter(refusal.body('v3') as BinanceErrorBody, refusal.retryAfterSeconds),
      rateLimits: [],
    };
  }
}

/**
 * An error body with Binance's `data: {serverTime, retryAfter}` (ms since the epoch) when
 * the refusal says when to come back (429 and 503).
 */
function withRetryAfter(body: BinanceErrorBody, retryAfterSeconds: number | undefined): ApiErrorBody {
  if (retryAfterSeconds === undefined) return body;
  const serverTime = Date.now();
  return { ...body, data: { serverTime, retryAfter: serverTime + retryAfterSeconds * 1000 } };
}

/** The client's address, as API Gateway reports it. */
function sourceIpOf(event: WsEvent): string {
  return event.requestContext.identity?.sourceIp ?? '';
}

/** What an endpoint answered. */
interface Answered {
  readonly status: number;
  readonly body: unknown;
  /** Its `Retry-After` header, when it sent one. */
  readonly retryAfterSeconds?: number;
}

/** Calls the REST endpoint of a method with its parameters, signed as the caller when the method is. */
async function restCall(name: RestMethodName, params: ApiParams, event: WsEvent): Promise<Answered> {
  const method = REST_METHODS[name];
  // `returnRateLimits` belongs to the WebSocket API (signed with the rest), not to the endpoint.
  const { returnRateLimits: _returnRateLimits, ...forwarded } = params;
  let query = formOf(forwarded);
  const headers: Record<string, string> = {};
  if (method.signed) {
    const caller = await countingRefusals(verifiedCaller(params, event), sourceIpOf(event));
    const { apiKey: _apiKey, signature: _signature, ...rest } = forwarded;
    query = formOf(rest);
    query = `${query}&signature=${hmacSha256Hex(caller.secretKey, query)}`;
    headers['x-mbx-apikey'] = caller.apiKey;
  }
  const restEvent = {
    version: '2.0',
    routeKey: `${method.httpMethod} ${method.path}`,
    rawPath: method.path,
    rawQueryString: query,
    headers,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'websocket-api',
      apiId: 'websocket-api',
      domainName: 'websocket-api',
      domainPrefix: 'websocket-api',
      requestId: randomUUID(),
      routeKey: `${method.httpMethod} ${method.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: {
        method: method.httpMethod,
        path: method.path,
        protocol: 'HTTP/1.1',
        sourceIp: sourceIpOf(event) || '127.0.0.1',
        userAgent: event.requestContext.identity?.userAgent ?? '',
      },
    },
  } as APIGatewayProxyEventV2;
  const context = {
    functionName: `ws-api-${name}`,
    awsRequestId: restEvent.requestContext.requestId,
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const result = await method.handler(restEvent, context);
  const text = typeof result.body === 'string' ? result.body : '';
  const retryAfter = Number(result.headers?.['retry-after']);
  return {
    status: result.statusCode ?? 200,
    body: text === '' ? {} : JSON.parse(text),
    ...(Number.isSafeInteger(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** The session methods: the connection's user data stream. */
async function sessionCall(name: SessionMethodName, params: ApiParams, event: WsEvent): Promise<Answered> {
  const { connectionId } = event.requestContext;
  const registry = subscriptionRegistry();
  const current = await registry.subscriptions(connectionId);
  const subscribed = current.filter((stream) => stream.startsWith('account@') && stream.endsWith('@wsapi'));
  switch (name) {
    case 'userDataStream.subscribe.signature': {
      const caller = await verifiedCaller(params, event);
      if (!caller.permissions.includes('read')) {
        throw new ApiError('PERMISSION_DENIED', { field: 'apiKey', detail: 'read' });
      }
      await registry.addKeyConnection(connectionId, caller.apiKey);
      const stream = accountStream(caller.accountId, 'wsapi').name;
      if ((await registry.subscribe(connectionId, [stream])) === undefined) {
        throw new ApiError('SERVICE_UNAVAILABLE', { detail: 'the connection is not registered; reconnect' });
      }
      return { status: 200, body: { subscriptionId: SUBSCRIPTION_ID } };
    }
    case 'userDataStream.unsubscribe':
      if (subscribed.length > 0) await registry.unsubscribe(connectionId, subscribed);
      return { status: 200, body: {} };
    case 'session.subscriptions':
      return { status: 200, body: subscribed.length > 0 ? [{ subscriptionId: SUBSCRIPTION_ID }] : [] };
  }
}

/**
 * `check`'s result; a refusal (bad key, signature, timing, replay) is counted against
 * the IP as the REST API counts its refused requests, and becomes 429 over its limit.
 */
async function countingRefusals<T>(check: Promise<T>, sourceIp: string): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (
      !(error instanceof ApiError) ||
      error.status('v3') >= 500 ||
      sourceIp === '' ||
      !rateLimits().enabled
    ) {
      throw error;
    }
    let retryAfterMs = -1;
    try {
      retryAfterMs = await spendIp(sourceIp, 1);
    } catch {
      // Counting a refused request is best effort: its own answer stands.
    }
    throw retryAfterMs >= 0 ? tooManyRequests('ip', retryAfterMs) : error;
  }
}

/** The key a signed request proves, checked as REST checks it (key, IP allow-list, signature, timing, replay). */
async function verifiedCaller(params: ApiParams, event: WsEvent) {
  const apiKey = params.apiKey;
  if (typeof apiKey !== 'string' || apiKey === '')
    throw new ApiError('MISSING_PARAMETER', { field: 'apiKey' });
  if (!CREDENTIAL_PATTERN.test(apiKey)) throw new ApiError('API_KEY_FORMAT_INVALID', { field: 'apiKey' });
  const record = await accountStore().lookupKey(apiKey);
  if (record === undefined) throw new ApiError('UNKNOWN_API_KEY', { field: 'apiKey' });
  if (record.revoked) throw new ApiError('API_KEY_REVOKED', { field: 'apiKey' });
  if (!ipAllowed(record.ipAllowList, event.requestContext.identity?.sourceIp ?? '')) {
    throw new ApiError('IP_NOT_ALLOWED', { field: 'apiKey' });
  }
  const now = Date.now();
  const check = checkWsApiSignature(params, record.secretKey, now);
  if (!check.ok) throw new ApiError(check.failure.code, check.failure);
  const claim = replayKey(keys().prefix, apiKey, check.signature);
  if (!(await claimSignature(redis(), claim, claimLifetimeMs(check.timestamp, check.recvWindow, now)))) {
    throw new ApiError('REPLAYED_REQUEST', { field: 'signature' });
  }
  return { ...record, apiKey };
}

/** Parameters as a form-encoded query string. */
function formOf(params: ApiParams): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}
