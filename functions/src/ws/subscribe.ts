/**
 * The message routes: `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS` (Binance's stream
 * API), and `$default` for anything else. Each answers `{"result":…,"id":n}` or an
 * error message; the connection always stays open.
 */
import { clientStreamName, WS_MAX_STREAMS_PER_CONNECTION } from '@exchange/protocol';
import { type ConnectionRecord, subscriptionRegistry } from './registry.js';
import { parseRequest, type WsMethod, type WsRequest } from './request.js';
import { canonicalStreams } from './streams.js';
import { WsRequestError } from './ws-errors.js';
import { messageRoute, type WsEvent } from './ws-event.js';

/** The success reply. */
export interface WsReply {
  readonly result: null | readonly string[];
  readonly id: number | string | null;
}

/** `SUBSCRIBE`: all the streams or none (one bad name refuses the lot). */
export const subscribe = messageRoute(async (event) => {
  const { request, connection } = await prepare(event, 'SUBSCRIBE');
  const streams = requestedStreams(request, connection);
  const registry = subscriptionRegistry();
  const current = new Set(await registry.subscriptions(connection.connectionId));
  const added = streams.filter((s) => !current.has(s)).length;
  if (current.size + added > WS_MAX_STREAMS_PER_CONNECTION) {
    throw new WsRequestError(
      'TOO_MANY_STREAMS',
      `At most ${WS_MAX_STREAMS_PER_CONNECTION} streams per connection`,
      request.id,
    );
  }
  if ((await registry.subscribe(connection.connectionId, streams)) === undefined) {
    throw unknownConnection(request);
  }
  return reply(null, request);
});

/** `UNSUBSCRIBE`: streams the connection does not have are ignored. */
export const unsubscribe = messageRoute(async (event) => {
  const { request, connection } = await prepare(event, 'UNSUBSCRIBE');
  await subscriptionRegistry().unsubscribe(connection.connectionId, requestedStreams(request, connection));
  return reply(null, request);
});

/** `LIST_SUBSCRIPTIONS`: the names as clients spell them (`account` for the private stream), sorted. */
export const listSubscriptions = messageRoute(async (event) => {
  const { request, connection } = await prepare(event, 'LIST_SUBSCRIPTIONS');
  const streams = await subscriptionRegistry().subscriptions(connection.connectionId);
  return reply(streams.map(clientStreamName).sort(), request);
});

/** `$default`: every message no route took — not JSON, no `method`, or a method not served. */
export const fallback = messageRoute(async (event) => {
  parseRequest(event.body ?? undefined);
  // A served method reaches its own route; parseRequest refused everything else.
  throw new WsRequestError('INVALID_REQUEST', 'Invalid request');
});

async function prepare(
  event: WsEvent,
  method: WsMethod,
): Promise<{ request: WsRequest; connection: ConnectionRecord }> {
  const request = parseRequest(event.body ?? undefined);
  if (request.method !== method) throw new WsRequestError('INVALID_REQUEST', 'Invalid request', request.id);
  const connection = await subscriptionRegistry().connection(event.requestContext.connectionId);
  if (connection === undefined) throw unknownConnection(request);
  return { request, connection };
}

/** The canonical names of a request's streams, each once, in the order sent. */
function requestedStreams(request: WsRequest, connection: ConnectionRecord): string[] {
  if (request.method === 'SUBSCRIBE' && request.params.length === 0) {
    throw new WsRequestError('INVALID_REQUEST', "Invalid request: 'params' must name a stream", request.id);
  }
  const resolved = canonicalStreams(request.params, connection);
  if (resolved.ok) return resolved.streams;
  const message =
    resolved.error === 'AUTH_REQUIRED'
      ? `Stream '${resolved.name}' is private: connect with a signed request`
      : `Unknown stream '${resolved.name}'`;
  throw new WsRequestError(resolved.error, message, request.id);
}

function reply(result: WsReply['result'], request: WsRequest): WsReply {
  return { result, id: request.id };
}

function unknownConnection(request: WsRequest): WsRequestError {
  return new WsRequestError('UNKNOWN_CONNECTION', 'Connection not registered; reconnect', request.id);
}
