import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventWebsocketRequestContextV2 } from 'aws-lambda';
import { requestId } from './ids.js';

/** Who opened a connection, as API Gateway reports it in events and `GetConnection`. */
export interface WebSocketIdentity {
  readonly sourceIp: string;
  /** Absent when the client sent no `User-Agent`. */
  readonly userAgent?: string;
}

/**
 * The `requestContext` of a WebSocket Lambda proxy event. `@types/aws-lambda` misses
 * `identity` and the disconnect fields, and declares `messageId` on every event although
 * API Gateway sets it on `MESSAGE` events only.
 */
export interface WebSocketRequestContext extends Omit<APIGatewayEventWebsocketRequestContextV2, 'messageId'> {
  messageId?: string;
  identity: WebSocketIdentity;
  /** `DISCONNECT` only: the close code, 1005 when the closing side gave none. */
  disconnectStatusCode?: number;
  /** `DISCONNECT` only: the close reason. */
  disconnectReason?: string;
}

/** The event API Gateway hands a WebSocket route's Lambda (proxy integration). */
export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  /** `CONNECT`: the upgrade request's headers (last value wins); `DISCONNECT`: a fixed few. */
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  /** `CONNECT` only, and only when the upgrade URL had a query string. */
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  /** `MESSAGE` only: the message text. */
  body?: string;
  isBase64Encoded: boolean;
}

/** The API and stage an event comes through. */
export interface ApiStage {
  readonly apiId: string;
  readonly stage: string;
}

/** What every event of one connection repeats. */
export interface ConnectionFacts {
  readonly connectionId: string;
  /** Epoch milliseconds of the upgrade request. */
  readonly connectedAt: number;
  /** The host the client dialled, so handlers can rebuild the `@connections` endpoint. */
  readonly domainName: string;
  readonly identity: WebSocketIdentity;
}

/** The `CONNECT` event for an upgrade request; the only event with the client's headers and query. */
export function connectEvent(
  api: ApiStage,
  connection: ConnectionFacts,
  request: IncomingMessage,
): WebSocketEvent {
  const { headers, multiValueHeaders } = upgradeHeaders(request, connection);
  const event: WebSocketEvent = {
    headers,
    multiValueHeaders,
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  if (query.size > 0) {
    // Built as Lambda's runtime parses the event's JSON: every name an own property, also
    // `constructor` or `__proto__`, which plain assignment would resolve on the prototype.
    const values = new Map<string, string[]>();
    for (const [name, value] of query) values.set(name, [...(values.get(name) ?? []), value]);
    event.queryStringParameters = Object.fromEntries(
      [...values].map(([name, all]) => [name, all.at(-1) as string]),
    );
    event.multiValueQueryStringParameters = Object.fromEntries(values);
  }
  return event;
}

/** The `MESSAGE` event for one text message routed to `routeKey`. */
export function messageEvent(
  api: ApiStage,
  connection: ConnectionFacts,
  routeKey: string,
  body: string,
): WebSocketEvent {
  const context = requestContext(api, connection, routeKey, 'MESSAGE');
  context.messageId = requestId();
  return { requestContext: context, body, isBase64Encoded: false };
}

/** The `DISCONNECT` event, sent after the socket has closed. */
export function disconnectEvent(
  api: ApiStage,
  connection: ConnectionFacts,
  statusCode: number,
  reason: string,
): WebSocketEvent {
  const context = requestContext(api, connection, '$disconnect', 'DISCONNECT');
  context.disconnectStatusCode = statusCode;
  context.disconnectReason = reason;
  // API Gateway sends these placeholders rather than the upgrade request's headers.
  const headers = { Host: connection.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  const multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  return { headers, multiValueHeaders, requestContext: context, isBase64Encoded: false };
}

function requestContext(
  api: ApiStage,
  connection: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
): WebSocketRequestContext {
  const now = Date.now();
  const id = requestId();
  return {
    routeKey,
    eventType,
    extendedRequestId: id,
    requestTime: commonLogTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity: { ...connection.identity },
    requestId: id,
    domainName: connection.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
  };
}

/**
 * The upgrade request's headers in the client's spelling, plus the ones API Gateway's
 * load balancer adds, so handlers that read `X-Forwarded-For` work locally.
 */
function upgradeHeaders(
  request: IncomingMessage,
  connection: ConnectionFacts,
): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const add = (name: string, value: string) => {
    headers[name] = value;
    multiValueHeaders[name] ??= [];
    multiValueHeaders[name].push(value);
  };
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) add(raw[i] as string, raw[i + 1] as string);
  const added: Record<string, string> = {
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(connection.connectedAt / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'X-Forwarded-For': connection.identity.sourceIp,
    'X-Forwarded-Port': String(request.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
  };
  for (const [name, value] of Object.entries(added)) {
    if (request.headers[name.toLowerCase()] === undefined) add(name, value);
  }
  return { headers, multiValueHeaders };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` in Common Log Format, as API Gateway writes it: `09/Feb/2024:18:11:43 +0000`. */
function commonLogTime(epochMillis: number): string {
  const d = new Date(epochMillis);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
