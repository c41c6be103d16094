import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Connection, GOING_AWAY } from './connection.js';
import { requestId } from './ids.js';

/** API Gateway's cap on a message, whichever way it travels. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

const CONNECTIONS_PATH = '@connections';

/**
 * The `@connections` management API (`execute-api` `PostToConnection`, `GetConnection`,
 * `DeleteConnection`) under `/{stage}/@connections/{connectionId}`. Errors carry the
 * `x-amzn-ErrorType` header, which is what `@aws-sdk/client-apigatewaymanagementapi`
 * reads to throw `GoneException`, `PayloadTooLargeException` or `ForbiddenException`.
 * Requests are not authenticated: SigV4 signatures are accepted unchecked.
 */
export function managementApi(
  stage: string,
  connection: (id: string) => Connection | undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    response.setHeader('x-amzn-RequestId', requestId());
    const id = connectionIdOf(request.url ?? '/', stage);
    const method = request.method ?? 'GET';
    if (id === undefined || !['POST', 'GET', 'DELETE'].includes(method)) {
      request.resume();
      return fail(response, 403, 'ForbiddenException', 'Forbidden');
    }
    if (method === 'POST') return postToConnection(request, response, id, connection);
    request.resume();
    const target = connection(id);
    if (target === undefined || !target.open) return gone(response, id);
    if (method === 'GET') return getConnection(response, target);
    target.close(GOING_AWAY, 'Going away');
    response.writeHead(204).end();
  };
}

/**
 * Reads the body with plain `data`/`end` listeners (the cheapest way through Node's
 * stream machinery: this runs once per message the backend sends), then sends it.
 */
function postToConnection(
  request: IncomingMessage,
  response: ServerResponse,
  id: string,
  connection: (id: string) => Connection | undefined,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit: answering mid-upload would reset the client's socket.
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
  });
  request.on('error', () => response.destroy());
  request.on('end', () => {
    if (size > MAX_PAYLOAD_BYTES) {
      return fail(
        response,
        413,
        'PayloadTooLargeException',
        `Message of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}`,
      );
    }
    // Looked up after the body arrives: the client may have left meanwhile.
    const target = connection(id);
    if (target === undefined || !target.open) return gone(response, id);
    target.send(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    response.writeHead(200).end();
  });
}

function getConnection(response: ServerResponse, target: Connection): void {
  const { sourceIp, userAgent } = target.facts.identity;
  const body = {
    connectedAt: new Date(target.facts.connectedAt).toISOString(),
    identity: userAgent === undefined ? { sourceIp } : { sourceIp, userAgent },
    lastActiveAt: new Date(target.lastActiveAt).toISOString(),
  };
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function gone(response: ServerResponse, id: string): void {
  fail(response, 410, 'GoneException', `Connection ${id} is gone`);
}

function fail(response: ServerResponse, status: number, errorType: string, message: string): void {
  response
    .writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType })
    .end(JSON.stringify({ message }));
}

/** The connection id of `/{stage}/@connections/{id}` (query ignored), or undefined for any other path. */
function connectionIdOf(url: string, stage: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const prefix = `/${stage}/${CONNECTIONS_PATH}/`;
  if (!path.startsWith(prefix) || path.indexOf('/', prefix.length) !== -1) return undefined;
  try {
    const id = decodeURIComponent(path.slice(prefix.length));
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}
