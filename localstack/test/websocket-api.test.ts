import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { WS_API_METHOD_NAMES } from '@exchange/functions/ws/api-method-names';
import { WS_ROUTES } from '@exchange/functions/ws-routes';
import WebSocket from 'ws';
import {
  loadRoutes,
  MAX_PAYLOAD_BYTES,
  start,
  type WebSocketApi,
  type WebSocketApiOptions,
  type WebSocketEvent,
  type WebSocketHandler,
  type WebSocketRouteBinding,
} from '../src/websocket-api/index.js';

/**
 * Integration tests: a real `ws` client and the real AWS SDK client against the emulator
 * on a free port. Every wait is on an event (a handler call, a frame, a close), never on
 * a clock.
 */

/** Handler calls in arrival order; `next()` waits for the next one not yet taken. */
class Calls {
  private readonly seen: WebSocketEvent[] = [];
  private readonly waiting: ((event: WebSocketEvent) => void)[] = [];
  private taken = 0;

  /** A handler that records its event and answers with `result(event)`. */
  handler(result: (event: WebSocketEvent) => unknown = () => ({ statusCode: 200 })): WebSocketHandler {
    return async (event) => {
      this.seen.push(event);
      this.waiting.shift()?.(event);
      return result(event);
    };
  }

  next(): Promise<WebSocketEvent> {
    const event = this.seen[this.taken];
    this.taken += 1;
    if (event !== undefined) return Promise.resolve(event);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// The shared route table's handlers run in this process: their registry under a test prefix.
process.env.REDIS_PREFIX = `test-ws-api-${process.pid}:`;
let api: WebSocketApi | undefined;
let sdk: ApiGatewayManagementApiClient | undefined;
const clients: WebSocket[] = [];

async function startApi(
  routes: WebSocketRouteBinding[],
  options: WebSocketApiOptions = {},
): Promise<WebSocketApi> {
  api = await start({ routes, log: () => {}, ...options });
  sdk = new ApiGatewayManagementApiClient({
    endpoint: api.managementEndpoint,
    region: 'us-east-1',
    credentials,
  });
  return api;
}

function client(url: string, options?: WebSocket.ClientOptions, protocols?: string[]): WebSocket {
  const socket = new WebSocket(url, protocols ?? [], options);
  clients.push(socket);
  return socket;
}

/** Resolves once the handshake succeeds; rejects with the HTTP status when it is refused. */
function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        reject(Object.assign(new Error('refused'), { status: response.statusCode, body })),
      );
    });
    socket.once('error', reject);
  });
}

async function nextMessage(socket: WebSocket): Promise<string> {
  const [data] = await once(socket, 'message');
  return (data as Buffer).toString('utf8');
}

async function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  const [code, reason] = await once(socket, 'close');
  return { code: code as number, reason: (reason as Buffer).toString() };
}

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.terminate();
  sdk?.destroy();
  await api?.close();
  api = undefined;
  sdk = undefined;
});

describe('WebSocket API emulator: connecting', () => {
  it('invokes $connect with the upgrade request as API Gateway shapes it, then opens the socket', async () => {
    // Prepare
    const connects = new Calls();
    const { url, managementEndpoint, port } = await startApi([
      { routeKey: '$connect', handler: connects.handler() },
    ]);
    // Act
    const socket = client(`${url}?token=abc&stream=a&stream=b`, {
      headers: { 'X-Client': 'test', 'User-Agent': 'jest' },
    });
    await opened(socket);
    const event = await connects.next();
    // Assess
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`ws://127.0.0.1:${port}/local`);
    expect(managementEndpoint).toBe(`http://127.0.0.1:${port}/local`);
    const context = event.requestContext;
    expect(context).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'local',
      apiId: 'localwsapi',
      domainName: `127.0.0.1:${port}`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest' },
    });
    expect(context.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(context.requestId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(context.extendedRequestId).toBe(context.requestId);
    expect(context.messageId).toBeUndefined();
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(context.connectedAt);
    expect(context.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(event.headers).toMatchObject({
      Host: `127.0.0.1:${port}`,
      'X-Client': 'test',
      'Sec-WebSocket-Version': '13',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Proto': 'http',
    });
    expect(event.multiValueHeaders?.['X-Client']).toEqual(['test']);
    expect(event.queryStringParameters).toEqual({ token: 'abc', stream: 'b' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['abc'], stream: ['a', 'b'] });
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
  });

  it('leaves the query string fields out when the URL has none', async () => {
    // Prepare
    const connects = new Calls();
    const { url } = await startApi([{ routeKey: '$connect', handler: connects.handler() }]);
    // Act
    await opened(client(url));
    const event = await connects.next();
    // Assess
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
  });

  it('accepts every connection when there is no $connect route', async () => {
    // Prepare
    const { url } = await startApi([]);
    // Act
    const handshake = opened(client(url));
    // Assess
    await expect(handshake).resolves.toBeUndefined();
  });

  it('refuses the upgrade with the status and body $connect returns outside 2xx', async () => {
    // Prepare
    const { url } = await startApi([
      { routeKey: '$connect', handler: async () => ({ statusCode: 401, body: '{"message":"bad key"}' }) },
    ]);
    // Act
    const handshake = opened(client(url));
    // Assess
    await expect(handshake).rejects.toMatchObject({ status: 401, body: '{"message":"bad key"}' });
  });

  it('refuses the upgrade with 500 when $connect throws', async () => {
    // Prepare
    const { url } = await startApi([
      {
        routeKey: '$connect',
        handler: async () => {
          throw new Error('boom');
        },
      },
    ]);
    // Act
    const handshake = opened(client(url));
    // Assess
    await expect(handshake).rejects.toMatchObject({
      status: 500,
      body: '{"message":"Internal server error"}',
    });
  });

  it('refuses with 403 an upgrade to another stage', async () => {
    // Prepare
    const { url } = await startApi([]);
    // Act
    const handshake = opened(client(url.replace(/\/local$/, '/prod')));
    // Assess
    await expect(handshake).rejects.toMatchObject({ status: 403 });
  });

  it('agrees a subprotocol only when $connect returns it', async () => {
    // Prepare
    const { url } = await startApi([
      {
        routeKey: '$connect',
        handler: async () => ({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'v2' } }),
      },
    ]);
    const socket = client(url, {}, ['v1', 'v2']);
    // Act
    await opened(socket);
    // Assess
    expect(socket.protocol).toBe('v2');
  });
});

describe('WebSocket API emulator: messages', () => {
  it('routes on the body field and sends the route response back', async () => {
    // Prepare
    const subscribes = new Calls();
    const { url } = await startApi([
      {
        routeKey: 'SUBSCRIBE',
        handler: subscribes.handler((event) => ({
          statusCode: 200,
          body: JSON.stringify({ result: null, echo: event.body }),
        })),
      },
    ]);
    const socket = client(url);
    await opened(socket);
    const request = JSON.stringify({ method: 'SUBSCRIBE', params: ['trades@SOL_USDC'], id: 1 });
    // Act
    socket.send(request);
    const response = await nextMessage(socket);
    const event = await subscribes.next();
    // Assess
    expect(JSON.parse(response)).toEqual({ result: null, echo: request });
    expect(event.requestContext).toMatchObject({
      routeKey: 'SUBSCRIBE',
      eventType: 'MESSAGE',
      messageDirection: 'IN',
    });
    expect(event.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(event.body).toBe(request);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('sends nothing back for a route whose route response is off', async () => {
    // Prepare
    const silent = new Calls();
    const { url } = await startApi([
      {
        routeKey: 'QUIET',
        handler: silent.handler(() => ({ statusCode: 200, body: 'unseen' })),
        returnResponse: false,
      },
      { routeKey: 'LOUD', handler: async () => ({ statusCode: 200, body: 'seen' }) },
    ]);
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send('{"method":"QUIET"}');
    await silent.next();
    socket.send('{"method":"LOUD"}');
    const first = await nextMessage(socket);
    // Assess
    expect(first).toBe('seen');
  });

  it('sends non-JSON messages and unknown route keys to $default', async () => {
    // Prepare
    const defaults = new Calls();
    const { url } = await startApi([{ routeKey: '$default', handler: defaults.handler() }]);
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send('ping');
    socket.send('{"method":"UNKNOWN"}');
    socket.send('{"method":"$connect"}');
    const events = [await defaults.next(), await defaults.next(), await defaults.next()];
    // Assess
    expect(events.map((event) => event.body).sort()).toEqual([
      'ping',
      '{"method":"$connect"}',
      '{"method":"UNKNOWN"}',
    ]);
    for (const event of events) expect(event.requestContext.routeKey).toBe('$default');
  });

  it('routes on another body field when given another route selection expression', async () => {
    // Prepare
    const { url } = await startApi([{ routeKey: 'sendmessage', handler: async () => 'routed' }], {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's ${…} form, not a JS template.
      routeSelectionExpression: '${request.body.action}',
    });
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send('{"action":"sendmessage","method":"SUBSCRIBE"}');
    const answer = await nextMessage(socket);
    // Assess
    expect(answer).toBe('routed');
  });

  it("answers API Gateway's Forbidden when no route and no $default match", async () => {
    // Prepare
    const connects = new Calls();
    const { url } = await startApi([{ routeKey: '$connect', handler: connects.handler() }]);
    const socket = client(url);
    await opened(socket);
    const { connectionId } = (await connects.next()).requestContext;
    // Act
    socket.send('{"method":"NOPE"}');
    const answer = JSON.parse(await nextMessage(socket));
    // Assess
    expect(answer).toEqual({ message: 'Forbidden', connectionId, requestId: expect.any(String) });
  });

  it("answers API Gateway's Internal server error when the handler throws", async () => {
    // Prepare
    const { url } = await startApi([
      {
        routeKey: '$default',
        handler: async () => {
          throw new Error('boom');
        },
      },
    ]);
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send('anything');
    const answer = JSON.parse(await nextMessage(socket));
    // Assess
    expect(answer).toMatchObject({ message: 'Internal server error' });
  });

  it('serves the shared route table by default', async () => {
    // Prepare
    const table = await loadRoutes(WS_ROUTES);
    api = await start({ log: () => {} });
    const socket = client(api.url);
    await opened(socket);
    // Act
    socket.send('{"method":"SUBSCRIBE"}');
    const answer = JSON.parse(await nextMessage(socket));
    // Assess: the table's routes (the stream routes and one per WebSocket API method), and its
    // SUBSCRIBE handler answering a request without params
    expect(table.map((r) => r.routeKey).sort()).toEqual(
      [
        '$connect',
        '$default',
        '$disconnect',
        'LIST_SUBSCRIPTIONS',
        'SUBSCRIBE',
        'UNSUBSCRIBE',
        ...WS_API_METHOD_NAMES,
      ].sort(),
    );
    expect(answer).toMatchObject({ error: { code: expect.any(Number) } });
  });

  it('closes the connection with 1009 on a message over 128 KB', async () => {
    // Prepare
    const { url } = await startApi([]);
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    const { code } = await closed(socket);
    // Assess
    expect(code).toBe(1009);
  });

  it('closes the connection with 1003 on a binary frame', async () => {
    // Prepare
    const { url } = await startApi([]);
    const socket = client(url);
    await opened(socket);
    // Act
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    const { code } = await closed(socket);
    // Assess
    expect(code).toBe(1003);
  });
});

describe('WebSocket API emulator: the @connections API through the AWS SDK', () => {
  async function connected(routes: WebSocketRouteBinding[] = []) {
    const connects = new Calls();
    const started = await startApi([{ routeKey: '$connect', handler: connects.handler() }, ...routes]);
    const socket = client(started.url, { headers: { 'User-Agent': 'jest-client' } });
    await opened(socket);
    const { connectionId } = (await connects.next()).requestContext;
    return { socket, connectionId, sdk: sdk as ApiGatewayManagementApiClient };
  }

  it('delivers PostToConnection data to the client as a text frame', async () => {
    // Prepare
    const { socket, connectionId, sdk } = await connected();
    const received = once(socket, 'message');
    // Act
    await sdk.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"stream":"trades@SOL_USDC"}' }),
    );
    const [data, isBinary] = await received;
    // Assess
    expect((data as Buffer).toString()).toBe('{"stream":"trades@SOL_USDC"}');
    expect(isBinary).toBe(false);
  });

  it('delivers a message of exactly 128 KB and refuses a larger one with PayloadTooLargeException', async () => {
    // Prepare
    const { socket, connectionId, sdk } = await connected();
    const received = once(socket, 'message');
    // Act
    await sdk.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'a'.repeat(MAX_PAYLOAD_BYTES) }),
    );
    const tooLarge = sdk.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'a'.repeat(MAX_PAYLOAD_BYTES + 1) }),
    );
    // Assess
    const [data] = await received;
    expect((data as Buffer).length).toBe(MAX_PAYLOAD_BYTES);
    await expect(tooLarge).rejects.toBeInstanceOf(PayloadTooLargeException);
    await expect(tooLarge).rejects.toMatchObject({ $metadata: { httpStatusCode: 413 } });
  });

  it('describes a connection with GetConnection', async () => {
    // Prepare
    const { connectionId, sdk } = await connected();
    // Act
    const connection = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    // Assess
    expect(connection.ConnectedAt).toBeInstanceOf(Date);
    expect(connection.LastActiveAt).toBeInstanceOf(Date);
    expect(connection.LastActiveAt?.getTime()).toBeGreaterThanOrEqual(connection.ConnectedAt?.getTime() ?? 0);
    expect(connection.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'jest-client' });
  });

  it('moves LastActiveAt with each client message', async () => {
    // Prepare
    const defaults = new Calls();
    const { socket, connectionId, sdk } = await connected([
      { routeKey: '$default', handler: defaults.handler() },
    ]);
    const before = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    // Act
    socket.send('hello');
    const event = await defaults.next();
    const after = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    // Assess
    expect(after.LastActiveAt?.getTime()).toBeGreaterThanOrEqual(before.LastActiveAt?.getTime() ?? 0);
    expect(after.LastActiveAt?.getTime()).toBeLessThanOrEqual(event.requestContext.requestTimeEpoch);
  });

  it('closes the connection on DeleteConnection, and $disconnect follows', async () => {
    // Prepare
    const disconnects = new Calls();
    const { socket, connectionId, sdk } = await connected([
      { routeKey: '$disconnect', handler: disconnects.handler() },
    ]);
    const socketClosed = closed(socket);
    // Act
    await sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    const { code } = await socketClosed;
    const event = await disconnects.next();
    // Assess
    expect(code).toBe(1001);
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      connectionId,
    });
  });

  it('answers GoneException once the client has gone, and for ids it never knew', async () => {
    // Prepare
    const disconnects = new Calls();
    const { socket, connectionId, sdk } = await connected([
      { routeKey: '$disconnect', handler: disconnects.handler() },
    ]);
    socket.close();
    await disconnects.next();
    // Act
    const outcomes = await Promise.allSettled([
      sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'late' })),
      sdk.send(new GetConnectionCommand({ ConnectionId: connectionId })),
      sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId })),
      sdk.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: 'x' })),
    ]);
    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(GoneException);
      expect(reason).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    }
  });
});

describe('WebSocket API emulator: $disconnect', () => {
  async function connectedWithDisconnects(options: WebSocketApiOptions = {}) {
    const disconnects = new Calls();
    const started = await startApi([{ routeKey: '$disconnect', handler: disconnects.handler() }], options);
    const socket = client(started.url);
    await opened(socket);
    return { socket, disconnects, started };
  }

  it('is invoked when the client closes, with its close code and reason', async () => {
    // Prepare
    const { socket, disconnects } = await connectedWithDisconnects();
    // Act
    socket.close(1000, 'bye');
    const event = await disconnects.next();
    // Assess
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1000,
      disconnectReason: 'bye',
    });
    expect(event.body).toBeUndefined();
  });

  it('is invoked when the connection stays idle past the idle timeout', async () => {
    // Prepare
    const { socket, disconnects } = await connectedWithDisconnects({ idleTimeoutMs: 50 });
    const socketClosed = closed(socket);
    // Act
    const event = await disconnects.next();
    const { code } = await socketClosed;
    // Assess
    expect(code).toBe(1001);
    expect(event.requestContext).toMatchObject({
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it('is invoked when the connection reaches its maximum duration', async () => {
    // Prepare
    const { socket, disconnects } = await connectedWithDisconnects({ maxDurationMs: 50 });
    const socketClosed = closed(socket);
    // Act
    const event = await disconnects.next();
    const { code } = await socketClosed;
    // Assess
    expect(code).toBe(1001);
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
  });

  it('is invoked for every open connection when the emulator closes', async () => {
    // Prepare
    const { socket, disconnects, started } = await connectedWithDisconnects();
    const socketClosed = closed(socket);
    // Act
    await started.close();
    api = undefined;
    const event = await disconnects.next();
    const { code } = await socketClosed;
    // Assess
    expect(code).toBe(1001);
    expect(event.requestContext.routeKey).toBe('$disconnect');
  });
});

describe('WebSocket API emulator: routes', () => {
  it('loads a route handler from the shared functions workspace and names a missing export', async () => {
    // Prepare
    const table = [{ routeKey: '$default', handler: 'ws-routes', export: 'WS_ROUTES' }];
    // Act
    const loading = loadRoutes(table);
    // Assess
    await expect(loading).rejects.toThrow(
      "WebSocket route $default: ws-routes has no function export 'WS_ROUTES'",
    );
  });

  it('rejects a route selection expression that does not select a body field', async () => {
    // Prepare
    const options = { routes: [], routeSelectionExpression: '$request.header.x' };
    // Act
    const starting = start(options);
    // Assess
    await expect(starting).rejects.toThrow('Route selection expression must select a body field');
  });

  it('rejects a route key defined twice and a misspelt option', async () => {
    // Prepare
    const handler: WebSocketHandler = async () => ({ statusCode: 200 });
    // Act
    const twice = start({
      routes: [
        { routeKey: 'A', handler },
        { routeKey: 'A', handler },
      ],
    });
    const misspelt = start({ idleTimeout: 5 } as WebSocketApiOptions);
    // Assess
    await expect(twice).rejects.toThrow('WebSocket route A is defined twice');
    await expect(misspelt).rejects.toThrow('Unknown WebSocket API option: idleTimeout');
  });
});
