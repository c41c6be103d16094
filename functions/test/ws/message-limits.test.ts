/**
 * Integration: the per-connection message limits of the WebSocket routes, and the
 * per-IP request weight of the WebSocket API, through the real route handlers against
 * real Redis and PostgreSQL. The limits are set small for this file: 3 stream messages
 * and 4 API messages per connection a minute, 6 request weight per IP a minute.
 */
import { randomBytes } from 'node:crypto';
import {
  createScratchDatabase,
  ensureRedis,
  type RunningService,
  type ScratchDatabase,
} from '@exchange/local-services';
import { wsKeys } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { closeDatabase } from '../../src/db/pool.js';
import { closeRedis } from '../../src/db/redis.js';
import type { WsEvent, WsResult } from '../../src/ws/ws-event.js';

type Route = (event: WsEvent) => Promise<WsResult>;
// Imported once the limits are set: the endpoints read them when their module loads.
let api: Route;
let connect: Route;
let fallback: Route;
let listSubscriptions: Route;
let subscribe: Route;

const prefix = `test-${randomBytes(4).toString('hex')}:`;
const ws = wsKeys(prefix);
let redisService: RunningService;
let db: ScratchDatabase;
let redis: Redis;
let connections = 0;
let addresses = 0;

beforeAll(async () => {
  redisService = await ensureRedis();
  db = await createScratchDatabase({ prefix: 'ws_limits_test', migrate: migrateFunctionsDatabase });
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    REDIS_URL: redisService.url,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    WS_STREAM_MESSAGES: '3',
    WS_STREAM_MESSAGE_WINDOW_SECONDS: '60',
    WS_API_MESSAGES: '4',
    WS_API_MESSAGE_WINDOW_SECONDS: '60',
    RATE_LIMIT_IP_POINTS: '6',
    RATE_LIMIT_IP_WINDOW_SECONDS: '60',
  });
  ({ handler: api } = await import('../../src/ws/api.js'));
  ({ handler: connect } = await import('../../src/ws/connect.js'));
  ({ fallback, listSubscriptions, subscribe } = await import('../../src/ws/subscribe.js'));
  (await import('../../src/ws/registry.js')).resetSubscriptionRegistry();
  redis = new Redis(redisService.url);
});

afterAll(async () => {
  redis.disconnect();
  await closeRedis();
  await closeDatabase();
  await db.drop();
  await redisService.stop();
});

const newId = () => `limit${++connections}${randomBytes(4).toString('hex')}=`;
/** A documentation address of its own per test, so IP budgets do not mix. */
const newIp = () => `198.51.100.${++addresses}`;

function message(connectionId: string, body: unknown, sourceIp = '127.0.0.1', routeKey = 'MESSAGE'): WsEvent {
  return {
    requestContext: { connectionId, connectedAt: Date.now(), routeKey, identity: { sourceIp } },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
const body = (result: { body?: string }): any => JSON.parse(result.body ?? 'null');

/** Sends `count` messages one after the other; their parsed answers. */
async function send(
  count: number,
  route: (event: WsEvent) => Promise<{ body?: string }>,
  event: (i: number) => WsEvent,
) {
  const answers = [];
  for (let i = 0; i < count; i++) answers.push(body(await route(event(i))));
  return answers;
}

describe('the stream routes', () => {
  it('answer messages past the connection’s limit with TOO_MANY_MESSAGES and retryAfter, applying none of them', async () => {
    // Prepare
    const [id, other] = [newId(), newId()];
    await connect({ requestContext: { connectionId: id, connectedAt: Date.now(), routeKey: '$connect' } });
    await connect({ requestContext: { connectionId: other, connectedAt: Date.now(), routeKey: '$connect' } });
    const streams = ['trades@SOL_USDC', 'trades@BTC_USDC', 'not json', 'trades@ETH_USDC'];
    const before = Date.now();
    // Act: two subscriptions and a bad frame use the budget; the fourth message and those after are refused
    const answers = await send(
      4,
      (e) => (e.body === 'not json' ? fallback(e) : subscribe(e)),
      (i) =>
        message(
          id,
          streams[i] === 'not json' ? 'not json' : { method: 'SUBSCRIBE', params: [streams[i]], id: i },
        ),
    );
    const listed = body(await listSubscriptions(message(id, { method: 'LIST_SUBSCRIPTIONS', id: 'l' })));
    const elsewhere = body(
      await subscribe(message(other, { method: 'SUBSCRIBE', params: ['depth@SOL_USDC'], id: 9 })),
    );
    // Assess
    expect(answers.slice(0, 3)).toEqual([
      { result: null, id: 0 },
      { result: null, id: 1 },
      { error: { code: 3, name: 'INVALID_JSON', msg: expect.any(String) }, id: null },
    ]);
    for (const [refused, requestId] of [
      [answers[3], 3],
      [listed, 'l'],
    ]) {
      expect(refused).toEqual({
        error: {
          code: 9,
          name: 'TOO_MANY_MESSAGES',
          msg: 'Too many messages; current limit is 3 messages per 60 SECOND per connection',
          retryAfter: expect.any(Number),
        },
        id: requestId,
      });
      expect(refused.error.retryAfter).toBeGreaterThan(before);
      expect(refused.error.retryAfter).toBeLessThanOrEqual(Date.now() + 60_000);
    }
    expect((await redis.smembers(ws.subscriptions(id))).sort()).toEqual([
      'trades@BTC_USDC',
      'trades@SOL_USDC',
    ]);
    expect(elsewhere).toEqual({ result: null, id: 9 });
  });
});

describe('the WebSocket API', () => {
  it('refuses messages past the connection’s limit with 429 -1003 and retryAfter, sparing the IP’s budget', async () => {
    // Prepare
    const ip = newIp();
    const [first, second] = [newId(), newId()];
    const ping = (connectionId: string, id: number) =>
      message(connectionId, { id, method: 'ping' }, ip, 'ping');
    // Act: 4 pings on one connection, a fifth refused; then the IP's 6 weight runs out on another
    const onFirst = await send(5, api, (i) => ping(first, i));
    const onSecond = await send(3, api, (i) => ping(second, 10 + i));
    // Assess
    expect(onFirst.slice(0, 4).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(onFirst[4]).toEqual({
      id: 4,
      status: 429,
      error: {
        code: -1003,
        msg: expect.stringContaining('current limit is 4 messages per 60 SECOND per connection'),
        data: { serverTime: expect.any(Number), retryAfter: expect.any(Number) },
      },
      rateLimits: [],
    });
    expect(onFirst[4].error.data.retryAfter).toBeGreaterThan(onFirst[4].error.data.serverTime);
    expect(onSecond.slice(0, 2).map((a) => a.status)).toEqual([200, 200]);
    expect(onSecond[2]).toMatchObject({
      id: 12,
      status: 429,
      error: {
        code: -1003,
        msg: expect.stringContaining('current limit is 6 request weight per 60 SECOND'),
        data: { retryAfter: expect.any(Number) },
      },
    });
  });

  it('counts frames no endpoint answers, and refused signatures, against the IP', async () => {
    // Prepare
    const ip = newIp();
    const [first, second] = [newId(), newId()];
    const unknownKey = {
      symbol: 'SOLUSDC',
      apiKey: 'A'.repeat(64),
      timestamp: String(Date.now()),
      signature: 'ab'.repeat(32),
    };
    // Act: 4 messages that never reach an endpoint's limit on one connection, 2 on another: the IP's 6; then one more
    const onFirst = await send(4, api, (i) =>
      i % 2 === 0
        ? message(first, `{"id":${i},"method":`, ip, '$default')
        : message(first, { id: i, method: 'openOrders.status', params: unknownKey }, ip, 'openOrders.status'),
    );
    const onSecond = await send(3, api, (i) =>
      message(second, { id: 10 + i, method: 'session.subscriptions' }, ip, 'session.subscriptions'),
    );
    // Assess: each was answered on its own merits until the IP's budget ran out
    expect(onFirst.map((a) => [a.status, a.error?.code])).toEqual([
      [400, -1135],
      [401, -2015],
      [400, -1135],
      [401, -2015],
    ]);
    expect(onSecond.map((a) => [a.status, a.error?.code])).toEqual([
      [200, undefined],
      [200, undefined],
      [429, -1003],
    ]);
  });
});
