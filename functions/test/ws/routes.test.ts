/**
 * Integration: the WebSocket route handlers against real Redis and PostgreSQL, called
 * with API Gateway's event fields.
 */
import { randomBytes } from 'node:crypto';
import {
  createScratchDatabase,
  ensureRedis,
  type RunningService,
  type ScratchDatabase,
} from '@exchange/local-services';
import { WS_CONNECTION_TTL_SECONDS, wsKeys } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { accountStore, type NewApiKey } from '../../src/accounts/account-store.js';
import { hmacSha256Hex } from '../../src/auth/signature.js';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { closeDatabase } from '../../src/db/pool.js';
import { closeRedis } from '../../src/db/redis.js';
import { handler as connect } from '../../src/ws/connect.js';
import { handler as disconnect } from '../../src/ws/disconnect.js';
import { resetSubscriptionRegistry } from '../../src/ws/registry.js';
import { fallback, listSubscriptions, subscribe, unsubscribe } from '../../src/ws/subscribe.js';
import type { WsEvent } from '../../src/ws/ws-event.js';

const prefix = `test-${randomBytes(4).toString('hex')}:`;
const ws = wsKeys(prefix);
let redisService: RunningService;
let db: ScratchDatabase;
let redis: Redis;
let key: NewApiKey;
let connections = 0;

beforeAll(async () => {
  redisService = await ensureRedis();
  db = await createScratchDatabase({ prefix: 'ws_routes_test', migrate: migrateFunctionsDatabase });
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    REDIS_URL: redisService.url,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  resetSubscriptionRegistry();
  redis = new Redis(redisService.url);
  key = await accountStore().createAccount();
});

afterAll(async () => {
  redis.disconnect();
  await closeRedis();
  await closeDatabase();
  await db.drop();
  await redisService.stop();
});

function event(connectionId: string, fields: Partial<WsEvent> = {}, routeKey = '$connect'): WsEvent {
  return { requestContext: { connectionId, connectedAt: Date.now(), routeKey }, ...fields };
}

function message(connectionId: string, body: unknown): WsEvent {
  return event(connectionId, { body: typeof body === 'string' ? body : JSON.stringify(body) }, 'MESSAGE');
}

function signedQuery(timestamp: number, secret = key.secretKey): Record<string, string> {
  const signed = `ws-connect:apiKey=${key.apiKey}&timestamp=${timestamp}`;
  return { apiKey: key.apiKey, timestamp: String(timestamp), signature: hmacSha256Hex(secret, signed) };
}

const newId = () => `conn${++connections}${randomBytes(4).toString('hex')}=`;
const body = (result: { body?: string }) => JSON.parse(result.body ?? 'null');

describe('$connect', () => {
  it('registers an anonymous connection for API Gateway’s 2 hours', async () => {
    // Prepare
    const id = newId();
    // Act
    const result = await connect(event(id));
    // Assess
    expect(result.statusCode).toBe(200);
    expect(await redis.hgetall(ws.connection(id))).toEqual({ connectedAt: expect.any(String) });
    const ttl = await redis.pttl(ws.connection(id));
    expect(ttl).toBeGreaterThan((WS_CONNECTION_TTL_SECONDS - 60) * 1000);
    expect(ttl).toBeLessThanOrEqual(WS_CONNECTION_TTL_SECONDS * 1000);
  });

  it('records the account of a signed connection, and accepts its signature once', async () => {
    // Prepare
    const id = newId();
    const query = signedQuery(Date.now());
    // Act
    const first = await connect(event(id, { queryStringParameters: query }));
    const replay = await connect(event(newId(), { queryStringParameters: query }));
    // Assess
    expect(first.statusCode).toBe(200);
    expect(await redis.hget(ws.connection(id), 'accountId')).toBe(key.accountId);
    expect(replay.statusCode).toBe(401);
    expect(body(replay)).toMatchObject({ code: 'REPLAYED_REQUEST' });
  });

  it.each([
    ['a wrong signature', () => signedQuery(Date.now(), 'x'.repeat(64)), 'INVALID_SIGNATURE'],
    ['a stale timestamp', () => signedQuery(Date.now() - 60_000), 'TIMESTAMP_OUTSIDE_RECV_WINDOW'],
    ['no API key', () => ({ timestamp: String(Date.now()), signature: 'ab' }), 'MISSING_API_KEY'],
    ['an unknown key', () => ({ ...signedQuery(Date.now()), apiKey: 'A'.repeat(64) }), 'UNKNOWN_API_KEY'],
  ])('refuses %s with 401 and registers nothing', async (_, query, code) => {
    // Prepare
    const id = newId();
    // Act
    const result = await connect(event(id, { queryStringParameters: query() }));
    // Assess
    expect(result.statusCode).toBe(401);
    expect(body(result)).toMatchObject({ code });
    expect(await redis.exists(ws.connection(id))).toBe(0);
  });
});

describe('SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, $disconnect', () => {
  it('subscribes all the streams or none, and keeps the registry in step both ways', async () => {
    // Prepare
    const id = newId();
    await connect(event(id));
    // Act
    const refused = await subscribe(
      message(id, { method: 'SUBSCRIBE', params: ['trades@SOL_USDC', 'nope@SOL_USDC'], id: 1 }),
    );
    const afterRefusal = await redis.smembers(ws.subscriptions(id));
    const ok = await subscribe(
      message(id, {
        method: 'SUBSCRIBE',
        params: ['trades@SOL_USDC', 'SOLUSDC@trade', 'trades@SOL_USDC'],
        id: 2,
      }),
    );
    const listed = await listSubscriptions(message(id, { method: 'LIST_SUBSCRIPTIONS', id: 3 }));
    await unsubscribe(message(id, { method: 'UNSUBSCRIBE', params: ['trades@SOL_USDC'], id: 4 }));
    // Assess
    expect(body(refused)).toMatchObject({ error: { code: 4, name: 'UNKNOWN_STREAM' }, id: 1 });
    expect(afterRefusal).toEqual([]);
    expect(body(ok)).toEqual({ result: null, id: 2 });
    expect(body(listed)).toEqual({ result: ['solusdc@trade', 'trades@SOL_USDC'], id: 3 });
    expect(await redis.smembers(ws.subscriptions(id))).toEqual(['solusdc@trade']);
    expect(await redis.sismember(ws.stream('trades@SOL_USDC'), id)).toBe(0);
    expect(await redis.sismember(ws.stream('solusdc@trade'), id)).toBe(1);
  });

  it('gives a signed connection its own account stream', async () => {
    // Prepare
    const id = newId();
    await connect(event(id, { queryStringParameters: signedQuery(Date.now() - 1) }));
    // Act
    const result = await subscribe(message(id, { method: 'SUBSCRIBE', params: ['account'], id: 1 }));
    const listed = await listSubscriptions(message(id, { method: 'LIST_SUBSCRIPTIONS', id: 2 }));
    // Assess
    expect(body(result)).toEqual({ result: null, id: 1 });
    expect(await redis.smembers(ws.subscriptions(id))).toEqual([`account@${key.accountId}`]);
    expect(body(listed)).toEqual({ result: ['account'], id: 2 });
  });

  it('lists an account in ws:accounts while one of its connections has its stream, raising the version with each change', async () => {
    // Prepare: an account of its own, and two signed connections of it
    const own = await accountStore().createAccount();
    const signed = (timestamp: number) => {
      const query = `ws-connect:apiKey=${own.apiKey}&timestamp=${timestamp}`;
      return {
        apiKey: own.apiKey,
        timestamp: String(timestamp),
        signature: hmacSha256Hex(own.secretKey, query),
      };
    };
    const [first, second] = [newId(), newId()];
    await connect(event(first, { queryStringParameters: signed(Date.now() - 2) }));
    await connect(event(second, { queryStringParameters: signed(Date.now() - 1) }));
    const state = async () => [
      await redis.sismember(ws.accounts, own.accountId),
      await redis.get(ws.accountsVersion),
    ];
    const [, before] = await state();

    // Act: the first subscriber adds the account (before the acknowledgement), the second changes nothing;
    // one leaves, one is still there; then the last one goes
    await subscribe(message(first, { method: 'SUBSCRIBE', params: ['account'], id: 1 }));
    const subscribed = await state();
    await subscribe(message(second, { method: 'SUBSCRIBE', params: ['account', 'trades@SOL_USDC'], id: 1 }));
    const twice = await state();
    await unsubscribe(message(first, { method: 'UNSUBSCRIBE', params: ['account'], id: 2 }));
    const once = await state();
    await disconnect(event(second, {}, '$disconnect'));
    const gone = await state();

    // Assess
    expect([subscribed[0], twice[0], once[0], gone[0]]).toEqual([1, 1, 1, 0]);
    expect(subscribed[1]).not.toBe(before);
    expect([twice[1], once[1]]).toEqual([subscribed[1], subscribed[1]]);
    expect(Number(gone[1])).toBe(Number(subscribed[1]) + 1);
  });

  it('starts the version from the server clock when it is absent, so it never repeats one read before a data loss', async () => {
    // Prepare
    const own = await accountStore().createAccount();
    const timestamp = Date.now();
    const query = `ws-connect:apiKey=${own.apiKey}&timestamp=${timestamp}`;
    const id = newId();
    await connect(
      event(id, {
        queryStringParameters: {
          apiKey: own.apiKey,
          timestamp: String(timestamp),
          signature: hmacSha256Hex(own.secretKey, query),
        },
      }),
    );
    await redis.del(ws.accountsVersion);
    // Act
    await subscribe(message(id, { method: 'SUBSCRIBE', params: ['account'], id: 1 }));
    // Assess: microseconds since 1970, plus one
    expect(Number(await redis.get(ws.accountsVersion))).toBeGreaterThan((Date.now() - 60_000) * 1000);
    await disconnect(event(id, {}, '$disconnect'));
  });

  it('forgets a connection and all its subscriptions on $disconnect, and says so on ws:changes', async () => {
    // Prepare
    const id = newId();
    await connect(event(id));
    await subscribe(
      message(id, { method: 'SUBSCRIBE', params: ['depth@ETH_USDC', 'ethusdc@kline_1h'], id: 1 }),
    );
    const listener = new Redis(redisService.url);
    const changed = new Promise<string>((resolve) =>
      listener.on('message', (_channel, connection: string) => resolve(connection)),
    );
    await listener.subscribe(ws.changes);
    // Act
    await disconnect(event(id, {}, '$disconnect'));
    // Assess
    expect(await changed).toBe(id);
    expect(await redis.exists(ws.connection(id), ws.subscriptions(id))).toBe(0);
    expect(await redis.sismember(ws.stream('depth@ETH_USDC'), id)).toBe(0);
    expect(await redis.sismember(ws.streams, 'ethusdc@kline_1h')).toBe(0);
    listener.disconnect();
  });

  it('answers bad frames with error codes and unregistered connections with UNKNOWN_CONNECTION', async () => {
    // Prepare
    const id = newId();
    await connect(event(id));
    // Act
    const answers = await Promise.all([
      fallback(message(id, 'not json')),
      fallback(message(id, { method: 'PING', id: 9 })),
      subscribe(message(id, { method: 'SUBSCRIBE', params: 'trades@SOL_USDC', id: 1 })),
      subscribe(message(id, { method: 'SUBSCRIBE', params: [], id: 2 })),
      subscribe(message('neverconnected=', { method: 'SUBSCRIBE', params: ['trades@SOL_USDC'], id: 3 })),
    ]);
    // Assess
    expect(answers.map((a) => [a.statusCode, body(a).error.name, body(a).id])).toEqual([
      [200, 'INVALID_JSON', null],
      [200, 'INVALID_REQUEST', 9],
      [200, 'INVALID_VALUE_TYPE', 1],
      [200, 'INVALID_REQUEST', 2],
      [200, 'UNKNOWN_CONNECTION', 3],
    ]);
  });
});
