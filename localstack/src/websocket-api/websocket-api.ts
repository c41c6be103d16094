import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WS_ROUTE_SELECTION_EXPRESSION, WS_ROUTES } from '@exchange/functions/ws-routes';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { Connection, type Disconnect } from './connection.js';
import {
  type ApiStage,
  type ConnectionFacts,
  connectEvent,
  disconnectEvent,
  messageEvent,
  type WebSocketEvent,
} from './events.js';
import { connectionId, requestId } from './ids.js';
import { connectVerdict, type Refusal, responseBody } from './integration-response.js';
import { type Invocation, invoke } from './invocation.js';
import { MAX_PAYLOAD_BYTES, managementApi } from './management-api.js';
import { DEFAULT_ROUTE, routeSelector } from './route-selection.js';
import { loadRoutes, MAX_TIMEOUT_SECONDS, routeTable, type WebSocketRouteBinding } from './routes.js';

const HOST = '127.0.0.1';

/** Options of {@link start}; every one has a default. */
export interface WebSocketApiOptions {
  /** Port on 127.0.0.1; `0` (the default) picks a free one, reported in the result. */
  readonly port?: number;
  /** Stage name, the first path segment of both URLs; `local` by default. */
  readonly stage?: string;
  /** `requestContext.apiId` of every event; `localwsapi` by default. */
  readonly apiId?: string;
  /** Routes to serve; the shared table `WS_ROUTES`, its handlers imported, by default. */
  readonly routes?: readonly WebSocketRouteBinding[];
  /** How messages pick a route; `WS_ROUTE_SELECTION_EXPRESSION` by default. */
  readonly routeSelectionExpression?: string;
  /** Close a connection after this long without a client message; API Gateway's 10 minutes by default. */
  readonly idleTimeoutMs?: number;
  /** Close a connection this long after it opened; API Gateway's 2 hours by default. */
  readonly maxDurationMs?: number;
  /** Where handler failures go (API Gateway would log them to CloudWatch); `console.error` by default. */
  readonly log?: (message: string, error?: unknown) => void;
}

/** A running emulator. */
export interface WebSocketApi {
  /** Where clients connect: `ws://127.0.0.1:{port}/{stage}`. */
  readonly url: string;
  /** The `endpoint` for `ApiGatewayManagementApiClient`: `http://127.0.0.1:{port}/{stage}`. */
  readonly managementEndpoint: string;
  readonly port: number;
  /**
   * Closes every connection (each gets its `$disconnect`), waits for handlers still
   * running, and frees the port.
   */
  close(): Promise<void>;
}

const DEFAULTS = {
  port: 0,
  stage: 'local',
  apiId: 'localwsapi',
  routeSelectionExpression: WS_ROUTE_SELECTION_EXPRESSION,
  idleTimeoutMs: 10 * 60 * 1000,
  maxDurationMs: 2 * 60 * 60 * 1000,
  log: (message: string, error?: unknown) => console.error(`[websocket-api] ${message}`, error ?? ''),
};
const OPTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(DEFAULTS), 'routes']);

/**
 * Starts an API Gateway WebSocket API on 127.0.0.1: clients connect to `url`, each
 * connection and message invokes its route's Lambda handler with API Gateway's event
 * shape, and the backend answers through the `@connections` API at `managementEndpoint`
 * (one server, one port, like API Gateway's single domain).
 *
 * @example
 * const api = await start({ routes: [{ routeKey: '$default', handler: async (event) => ({ body: event.body }) }] });
 * const client = new ApiGatewayManagementApiClient({ endpoint: api.managementEndpoint, region: 'us-east-1' });
 * // …
 * await api.close();
 */
export async function start(options: WebSocketApiOptions = {}): Promise<WebSocketApi> {
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw new Error(`Unknown WebSocket API option: ${name}`);
  }
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const routes = routeTable(options.routes ?? (await loadRoutes(WS_ROUTES)));
  const selectRoute = routeSelector(settings.routeSelectionExpression);
  const api: ApiStage = { apiId: settings.apiId, stage: settings.stage };
  const limits = { idleTimeoutMs: settings.idleTimeoutMs, maxDurationMs: settings.maxDurationMs };
  const { log } = settings;
  const connections = new Map<string, Connection>();
  const running = new Set<Promise<unknown>>();
  const admitted = new WeakMap<IncomingMessage, { facts: ConnectionFacts; protocol: string | undefined }>();

  /** Keeps a handler run in view, so `close` can wait for it. */
  const track = (work: Promise<unknown>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const run = (route: WebSocketRouteBinding, event: WebSocketEvent): Promise<Invocation> =>
    invoke(
      route.handler,
      event,
      route.functionName ?? `ws-${route.routeKey.replace(/^\$/, '')}`,
      (route.timeoutSeconds ?? MAX_TIMEOUT_SECONDS) * 1000,
    );

  /**
   * Runs `$connect` while the upgrade request waits, as API Gateway holds it; resolves
   * to the refusal to send, or undefined once the connection may open.
   */
  const admit = async (request: IncomingMessage): Promise<Refusal | undefined> => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== `/${settings.stage}`) {
      return { status: 403, body: JSON.stringify({ message: 'Forbidden' }) };
    }
    const userAgent = request.headers['user-agent'];
    const sourceIp = (request.socket.remoteAddress ?? HOST).replace(/^::ffff:/, '');
    const facts: ConnectionFacts = {
      connectionId: connectionId(),
      connectedAt: Date.now(),
      domainName: request.headers.host ?? HOST,
      identity: userAgent === undefined ? { sourceIp } : { sourceIp, userAgent },
    };
    const route = routes.get('$connect');
    const verdict =
      route === undefined
        ? { accept: true as const, protocol: undefined }
        : connectVerdict(await run(route, connectEvent(api, facts, request)));
    if (!verdict.accept) {
      if (verdict.error !== undefined) log('$connect handler failed', verdict.error);
      return verdict;
    }
    admitted.set(request, { facts, protocol: verdict.protocol });
    return undefined;
  };

  const opened = (socket: WebSocket, request: IncomingMessage) => {
    const admission = admitted.get(request) as { facts: ConnectionFacts };
    admitted.delete(request);
    const connection = new Connection(admission.facts, socket, limits);
    connections.set(connection.id, connection);
    socket.on('message', (data, isBinary) => received(connection, data, isBinary));
    socket.on('error', (error) => log(`connection ${connection.id} failed`, error));
    socket.on('close', (code, reason) => {
      connections.delete(connection.id);
      track(disconnected(connection, connection.ended(code, reason.toString())));
    });
  };

  const received = (connection: Connection, data: RawData, isBinary: boolean) => {
    connection.touch();
    if (isBinary) {
      // API Gateway takes text frames only and closes on a binary one.
      connection.close(1003, 'Binary frames are not supported');
      return;
    }
    // binaryType is the default 'nodebuffer', so a text message arrives as one Buffer.
    track(routeMessage(connection, (data as Buffer).toString('utf8')));
  };

  const routeMessage = async (connection: Connection, body: string) => {
    const route = routes.get(selectRoute(body)) ?? routes.get(DEFAULT_ROUTE);
    if (route === undefined) return reply(connection, 'Forbidden', requestId());
    const event = messageEvent(api, connection.facts, route.routeKey, body);
    const invocation = await run(route, event);
    if (invocation.outcome === 'threw') {
      log(`${route.routeKey} handler failed`, invocation.error);
      return reply(connection, 'Internal server error', event.requestContext.requestId);
    }
    if (invocation.outcome === 'timed out') {
      return reply(connection, 'Endpoint request timed out', event.requestContext.requestId);
    }
    const response = responseBody(invocation.result);
    if (route.returnResponse !== false && response !== undefined && connection.open) {
      connection.send(response);
    }
  };

  const disconnected = async (connection: Connection, disconnect: Disconnect) => {
    const route = routes.get('$disconnect');
    if (route === undefined) return;
    const invocation = await run(
      route,
      disconnectEvent(api, connection.facts, disconnect.statusCode, disconnect.reason),
    );
    if (invocation.outcome === 'threw') log('$disconnect handler failed', invocation.error);
    if (invocation.outcome === 'timed out') log('$disconnect handler timed out');
  };

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_PAYLOAD_BYTES,
    verifyClient: ({ req }, callback) => {
      track(
        admit(req).then((refusal) => {
          if (refusal === undefined) return callback(true);
          const headers = refusal.body === '' ? undefined : { 'Content-Type': 'application/json' };
          callback(false, refusal.status, refusal.body, headers);
        }),
      );
    },
    // A subprotocol is agreed only when `$connect` returns it, as on API Gateway.
    handleProtocols: (offered, request) => {
      const chosen = admitted.get(request)?.protocol;
      return chosen !== undefined && offered.has(chosen) ? chosen : false;
    },
  });

  const server = createServer(managementApi(settings.stage, (id) => connections.get(id)));
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => opened(ws, request));
  });
  server.listen(settings.port, HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://${HOST}:${port}/${settings.stage}`,
    managementEndpoint: `http://${HOST}:${port}/${settings.stage}`,
    port,
    close: async () => {
      wss.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sockets = [...connections.values()];
      const socketsClosed = sockets.map((connection) => once(connection.socket, 'close'));
      for (const connection of sockets) connection.close(1001, 'Going away');
      await Promise.all(socketsClosed);
      while (running.size > 0) await Promise.allSettled([...running]);
      server.closeAllConnections();
      await serverClosed;
    },
  };
}

/** API Gateway's error message to a client, sent on the socket rather than as a close. */
function reply(connection: Connection, message: string, id: string): void {
  if (connection.open) {
    connection.send(JSON.stringify({ message, connectionId: connection.id, requestId: id }));
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
