/**
 * Integration: the poster and its lean `@connections` client against the WebSocket
 * emulator's real `@connections` API.
 */
import { once } from 'node:events';
import { startWebSocketApi, type WebSocketApi } from '@exchange/localstack';
import { pino } from 'pino';
import WebSocket from 'ws';
import { ConnectionPoster } from '../../src/fanout/connection-poster.js';
import { ConnectionsClient } from '../../src/fanout/connections-client.js';

let api: WebSocketApi;
let client: ConnectionsClient;
const connected: string[] = [];

beforeAll(async () => {
  api = await startWebSocketApi({
    routes: [
      {
        routeKey: '$connect',
        handler: async (event) => {
          connected.push(event.requestContext.connectionId);
          return { statusCode: 200 };
        },
      },
    ],
    log: () => {},
  });
  client = new ConnectionsClient({
    endpoint: api.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.close();
  await api.close();
});

/** Opens a socket and returns it with its connection id and the messages it gets. */
async function open(): Promise<{ socket: WebSocket; id: string; messages: string[] }> {
  const socket = new WebSocket(api.url);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(data.toString()));
  await once(socket, 'open');
  return { socket, id: connected.at(-1) as string, messages };
}

function poster(
  options: {
    concurrency?: number;
    maxQueuedFrames?: number;
    maxBatchBytes?: number;
    minPostIntervalMs?: number;
  },
  gone: Array<[string, string]>,
) {
  return new ConnectionPoster({
    client,
    ...options,
    onGone: (id, why) => gone.push([id, why]),
    logger: pino({ level: 'silent' }),
  });
}

describe('ConnectionPoster', () => {
  it('batches native frames that wait behind a post into one JSON array, in order; Binance frames go alone', async () => {
    // Prepare
    const { socket, id, messages } = await open();
    const posts = poster({ concurrency: 1 }, []);
    // Act
    for (let i = 1; i <= 5; i++) posts.enqueue(id, `{"n":${i}}`, true);
    posts.enqueue(id, '{"e":"trade"}', false);
    posts.enqueue(id, '{"n":6}', true);
    await posts.idle();
    while (messages.length < 4) await once(socket, 'message');
    // Assess
    expect(messages).toEqual(['{"n":1}', '[{"n":2},{"n":3},{"n":4},{"n":5}]', '{"e":"trade"}', '{"n":6}']);
    expect(posts.stats).toMatchObject({ posts: 4, frames: 7, queuedFrames: 0, inFlight: 0 });
    socket.close();
  });

  it('reports a connection that answers 410 Gone, and forgets it', async () => {
    // Prepare
    const gone: Array<[string, string]> = [];
    const posts = poster({}, gone);
    // Act
    posts.enqueue('neverconnected=', '{"n":1}', true);
    await posts.idle();
    posts.enqueue('neverconnected=', '{"n":2}', true);
    // Assess
    expect(gone).toEqual([['neverconnected=', 'gone']]);
    expect(posts.stats).toMatchObject({ gone: 1, queuedFrames: 0, posts: 1 });
  });

  it('disconnects a connection whose queue passes the cap instead of letting it grow', async () => {
    // Prepare
    const gone: Array<[string, string]> = [];
    const { socket, id } = await open();
    const closed = once(socket, 'close');
    const posts = poster({ concurrency: 1, maxQueuedFrames: 3 }, gone);
    // Act: one frame goes out, three wait, the fifth passes the cap
    for (let i = 1; i <= 5; i++) posts.enqueue(id, `{"n":${i}}`, false);
    const [code] = (await closed) as [number];
    await posts.idle();
    // Assess
    expect(gone).toEqual([[id, 'slow']]);
    expect(code).toBe(1001);
    expect(posts.stats).toMatchObject({ slowDropped: 1, queuedFrames: 0 });
  });

  it('starts the post of an idle connection at once, whatever the interval and the other connections waiting', async () => {
    // Prepare: a long interval, and a connection that just posted and now waits out its interval
    const first = await open();
    const second = await open();
    const posts = poster({ minPostIntervalMs: 60_000 }, []);
    posts.enqueue(first.id, '{"n":1}', true);
    await posts.idle();
    posts.enqueue(first.id, '{"n":2}', true);
    // Act
    posts.enqueue(second.id, '{"n":1}', true);
    // Assess: the post started inside enqueue, with no timer or round in between
    expect(posts.stats).toMatchObject({ posts: 2, inFlight: 1, queuedFrames: 2 });
    while (second.messages.length < 1) await once(second.socket, 'message');
    expect(second.messages).toEqual(['{"n":1}']);
    posts.close();
    first.socket.close();
    second.socket.close();
  });

  it('holds native frames that come within the interval after a post and sends them together', async () => {
    // Prepare: an interval far longer than the test's steps
    const { socket, id, messages } = await open();
    const posts = poster({ minPostIntervalMs: 300 }, []);
    posts.enqueue(id, '{"n":1}', true);
    await posts.idle();
    while (messages.length < 1) await once(socket, 'message');
    // Act: the connection is idle, but its last post is more recent than the interval
    posts.enqueue(id, '{"n":2}', true);
    await new Promise((resolve) => setImmediate(resolve));
    posts.enqueue(id, '{"n":3}', true);
    await posts.idle();
    while (messages.length < 2) await once(socket, 'message');
    // Assess
    expect(messages).toEqual(['{"n":1}', '[{"n":2},{"n":3}]']);
    expect(posts.stats).toMatchObject({ posts: 2, frames: 3 });
    socket.close();
  });

  it('keeps every coalesced message within the byte limit, counted in UTF-8, and drops a frame over it', async () => {
    // Prepare: two 7-byte frames make 17 bytes, three 25; two 10-byte "é" frames make 23
    const { socket, id, messages } = await open();
    const posts = poster({ concurrency: 1, maxBatchBytes: 22 }, []);
    // Act: the first goes alone while the others wait
    for (let i = 1; i <= 5; i++) posts.enqueue(id, `{"n":${i}}`, true);
    posts.enqueue(id, '{"n":"é"}', true);
    posts.enqueue(id, '{"n":"é"}', true);
    posts.enqueue(id, '{"n":"0123456789012345"}', true);
    await posts.idle();
    while (messages.length < 5) await once(socket, 'message');
    // Assess
    expect(messages).toEqual(['{"n":1}', '[{"n":2},{"n":3}]', '[{"n":4},{"n":5}]', '{"n":"é"}', '{"n":"é"}']);
    expect(messages.every((m) => Buffer.byteLength(m) <= 22)).toBe(true);
    expect(posts.stats).toMatchObject({ frames: 7, oversizeFrames: 1, queuedFrames: 0 });
    socket.close();
  });
});
