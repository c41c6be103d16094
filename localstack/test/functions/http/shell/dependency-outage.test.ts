/**
 * A dependency that is down is a 503, never a 500 or a wrong answer — through the API
 * Gateway emulator, with Redis on a server of this file's own (killed and started
 * again under the running handlers) and PostgreSQL made unreachable:
 *
 * - Redis down: signed and public endpoints that need it answer 503
 *   `SERVICE_UNAVAILABLE` (-1001) with `Retry-After: 1`; a public endpoint that needs no
 *   Redis keeps serving (its IP limit counted in memory);
 * - Redis back, empty: the same handler process serves again by itself, but read
 *   models stay 503 until the engine has rebuilt them (no zero balances, no empty book);
 * - PostgreSQL unreachable: 503, and served again once it is reachable.
 */

import { createServer } from 'node:net';
import { Engine } from '@exchange/engine-service/core';
import { RedisPublisher } from '@exchange/engine-service/runtime';
import { closeDatabase } from '@exchange/functions/db/pool';
import { keys, redis } from '@exchange/functions/db/redis';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import { createMarketRegistry } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { type Harness, send, signUp, startHarness, type TestRequest } from './harness.js';

process.env.LOG_LEVEL = 'silent';

let server: PrivateServer;
let stack: Harness;
let alice: { apiKey: string; secretKey: string };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** What the engine does when it takes its lease: rebuild every read model, then mark them complete. */
async function engineRebuilds(): Promise<void> {
  await new RedisPublisher({
    redis: redis(),
    engine: new Engine(createMarketRegistry()),
    keys: keys(),
  }).rebuild();
}

beforeAll(async () => {
  server = await startPrivateRedis();
  stack = await startHarness();
  process.env.REDIS_URL = server.url;
  await engineRebuilds();
  alice = await signUp(stack.api);
});
afterAll(async () => {
  await stack.close();
  await server.stop();
});
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

const account = (): TestRequest => ({ path: '/api/v3/account', key: alice });
const balances = (): TestRequest => ({ path: '/api/v1/balances', key: alice });
const depth: TestRequest = { path: '/api/v3/depth', query: 'symbol=SOLUSDC' };

function expectUnavailable(response: Awaited<ReturnType<typeof send>>, face: 'v1' | 'v3'): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  if (face === 'v3') {
    expect(response.body).toEqual({
      code: -1001,
      msg: 'Internal error; unable to process your request. Please try again.',
    });
  } else {
    expect(response.body.code).toBe('SERVICE_UNAVAILABLE');
  }
}

it('answers from Redis while it is up: a new account has zero balances, an untouched market an empty book', async () => {
  // Act
  const [v3, v1, book] = [
    await send(stack.api, account()),
    await send(stack.api, balances()),
    await send(stack.api, depth),
  ];

  // Assess
  expect(v3.status).toBe(200);
  expect((v3.body.balances as { free: string }[]).every((b) => Number(b.free) === 0)).toBe(true);
  expect(v1.status).toBe(200);
  expect([book.status, book.body.bids, book.body.asks]).toEqual([200, [], []]);
});

it('answers 503 with Retry-After on every face while Redis is down, and serves what needs no Redis', async () => {
  // Prepare: the server dies (no clean handover, as a crashed node)
  const killer = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  await killer.call('SHUTDOWN', 'NOSAVE').catch(() => {});
  killer.disconnect();

  // Act
  const signedV3 = await send(stack.api, account());
  const signedV1 = await send(stack.api, balances());
  const order = await send(stack.api, {
    method: 'POST',
    path: '/api/v3/order',
    query: 'symbol=SOLUSDC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=10',
    key: alice,
  });
  const publicDepth = await send(stack.api, depth);
  const info = await send(stack.api, { path: '/api/v3/exchangeInfo', query: 'symbol=SOLUSDC' });

  // Assess
  expectUnavailable(signedV3, 'v3');
  expectUnavailable(signedV1, 'v1');
  expectUnavailable(order, 'v3');
  expectUnavailable(publicDepth, 'v3');
  expect(info.status).toBe(200);
});

it('serves again once Redis is back, without a restart; read models are 503 until the engine rebuilt them', async () => {
  // Prepare: the server comes back on the same port, empty
  await server.restart();

  // Act: the handlers' clients reconnect by themselves (a signed call that needs no read model)
  let keysList = await send(stack.api, { path: '/api/v1/keys', key: alice });
  for (let i = 0; i < 200 && keysList.status === 503; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    keysList = await send(stack.api, { path: '/api/v1/keys', key: alice });
  }
  const lostAccount = await send(stack.api, account());
  const lostDepth = await send(stack.api, depth);
  await engineRebuilds();
  const rebuiltAccount = await send(stack.api, account());
  const rebuiltDepth = await send(stack.api, depth);
  const request = { path: '/api/v3/account', key: alice, timestamp: Date.now() };
  const once = await send(stack.api, request);
  const replayed = await send(stack.api, request);

  // Assess
  expect(keysList.status).toBe(200);
  expectUnavailable(lostAccount, 'v3');
  expectUnavailable(lostDepth, 'v3');
  expect(rebuiltAccount.status).toBe(200);
  expect([rebuiltDepth.status, rebuiltDepth.body.bids]).toEqual([200, []]);
  expect([once.status, replayed.status, replayed.body.code]).toEqual([200, 401, -1002]);
});

it('answers 503 while PostgreSQL cannot be reached, and serves again once it can', async () => {
  // Prepare: the pool is pointed at a port nothing listens on
  const reachable = process.env.DATABASE_URL as string;
  await closeDatabase();
  process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${await closedPort()}/exchange`;

  // Act
  const down = await send(stack.api, {
    method: 'POST',
    path: '/api/v1/accounts',
    body: '{}',
    contentType: 'application/json',
  });
  await closeDatabase();
  process.env.DATABASE_URL = reachable;
  const up = await send(stack.api, {
    method: 'POST',
    path: '/api/v1/accounts',
    body: '{}',
    contentType: 'application/json',
  });

  // Assess
  expectUnavailable(down, 'v1');
  expect(up.status).toBe(201);
});
