/**
 * The API Gateway HTTP API emulator: a node:http server that routes each request as
 * API Gateway would, invokes the route's Lambda handler in-process with a 2.0 event, and
 * answers with API Gateway's mapping of the result or its canned errors.
 *
 * Per request it does a map lookup, one pass over the raw headers and the handler call:
 * routes are compiled once, the time string is cached per second, request ids are a
 * counter, and a GET without a body never waits for the stream's end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LambdaContext } from '../lambda/lambda-context.js';
import { Invocations } from './invocation.js';
import { DEFAULT_TIMEOUT_SECONDS, type LambdaRoute, routeKeyOf } from './lambda-route.js';
import { type HttpReply, replyOf } from './proxy-result.js';
import { hasBody, readBody, setEventBody } from './request-body.js';
import { requestEvent } from './request-event.js';
import { compileRoutes, type RouteMatch } from './route-matcher.js';

export interface HttpApiOptions {
  readonly routes: readonly LambdaRoute[];
  /** 0 (the default) picks a free port; read the real one from `HttpApi.port`. */
  readonly port?: number;
  /** Loopback only by default: this is a development server. */
  readonly host?: string;
  readonly apiId?: string;
  readonly accountId?: string;
  /**
   * Told of every handler error, timeout and malformed result (the client only sees the
   * generic status). Default: `console.error`.
   */
  readonly onInvocationError?: (routeKey: string, problem: unknown) => void;
}

export interface HttpApi {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Stops listening and drops idle keep-alive connections, so the process can exit. */
  close(): Promise<void>;
}

/** API Gateway's own error responses; a fresh object each time, as `send` completes it. */
const canned = (status: number, message: string): HttpReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: `{"message":"${message}"}`,
});
const notFound = (): HttpReply => canned(404, 'Not Found');
const internalError = (): HttpReply => canned(500, 'Internal Server Error');
const serviceUnavailable = (): HttpReply => canned(503, 'Service Unavailable');

/** How long an idle keep-alive connection stays open; API Gateway keeps them for minutes. */
const KEEP_ALIVE_MS = 60_000;

/**
 * Starts the emulator and resolves once it listens.
 *
 * @example
 * const api = await startHttpApi({ routes: await loadRouteTable(HTTP_ROUTES), port: 3000 });
 * // … fetch(`${api.url}/health`) …
 * await api.close();
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const matcher = compileRoutes(options.routes);
  const apiId = options.apiId ?? 'local';
  const accountId = options.accountId ?? '000000000000';
  const report = options.onInvocationError ?? defaultReport;
  const functionNames = new Map(
    options.routes.map((r) => [r, r.functionName ?? routeKeyOf(r).replace(/[^A-Za-z0-9_-]+/g, '-')]),
  );
  const running = new Map(
    options.routes.map((r) => [r, new Invocations((r.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000)]),
  );
  // Ids are a random prefix, unique across restarts, and a counter, cheap per request.
  const idPrefix = randomBytes(6).toString('base64url');
  const uuidPrefix = randomUUID().slice(0, 24);
  let requests = 0;

  /** Invokes the route's handler and answers with what API Gateway makes of the outcome. */
  const dispatch = (
    res: ServerResponse,
    match: RouteMatch<LambdaRoute>,
    event: APIGatewayProxyEventV2,
    epochMs: number,
    sequence: number,
  ): void => {
    const { route, routeKey } = match;
    const requestId = event.requestContext.requestId;
    const invocations = running.get(route) as Invocations;
    const { timeoutMs } = invocations;
    const awsRequestId = `${uuidPrefix}${sequence.toString(16).padStart(12, '0')}`;
    const context = new LambdaContext(functionNames.get(route) ?? '', awsRequestId, epochMs + timeoutMs);
    invocations.invoke(route.handler, event, context, epochMs, (outcome) => {
      if (outcome.kind === 'timeout') {
        report(routeKey, new Error(`timed out after ${timeoutMs} ms`));
        send(res, serviceUnavailable(), requestId);
      } else if (outcome.kind === 'error') {
        report(routeKey, outcome.error);
        send(res, internalError(), requestId);
      } else {
        const reply = replyOf(outcome.value);
        if (reply === undefined || !send(res, reply, requestId)) {
          report(routeKey, new Error('malformed Lambda proxy response'));
          if (reply === undefined) send(res, internalError(), requestId);
        }
      }
    });
  };

  const server = createServer({ keepAlive: true, keepAliveTimeout: KEEP_ALIVE_MS }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const match = matcher.match(req.method ?? 'GET', rawPath);
    const sequence = ++requests;
    const requestId = `${idPrefix}${sequence.toString(36)}=`;
    if (match === undefined) {
      send(res, notFound(), requestId);
      return;
    }
    const epochMs = Date.now();
    const event = requestEvent(req, {
      rawPath,
      rawQueryString: q === -1 ? '' : url.slice(q + 1),
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      requestId,
      epochMs,
      apiId,
      accountId,
    });
    if (!hasBody(event.headers)) {
      dispatch(res, match, event, epochMs, sequence);
      return;
    }
    readBody(req).then(
      (raw) => {
        setEventBody(event, raw);
        dispatch(res, match, event, epochMs, sequence);
      },
      // The client went away mid-body: there is no one to answer.
      () => res.destroy(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
      }),
  };
}

/**
 * Writes a reply. A header node:http refuses (a newline in a value, say) makes it a 500
 * instead, as an unusable response is on AWS, and returns false.
 */
function send(res: ServerResponse, reply: HttpReply, requestId: string | undefined): boolean {
  try {
    write(res, reply, requestId);
    return true;
  } catch {
    write(res, internalError(), requestId);
    return false;
  }
}

/** Completes the reply's own headers (length, `apigw-requestid`) in place and sends it. */
function write(res: ServerResponse, reply: HttpReply, requestId: string | undefined): void {
  const { headers, body } = reply;
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (requestId !== undefined) headers['apigw-requestid'] = requestId;
  res.writeHead(reply.status, headers);
  res.end(body);
}

function defaultReport(routeKey: string, problem: unknown): void {
  console.error(`[http-api] ${routeKey}:`, problem);
}
