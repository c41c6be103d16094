/**
 * The WebSocket route handlers while Redis is down (integration: a private redis-server
 * this file stops and starts again). `$connect` refuses the upgrade with 503 so the
 * client connects again; a message gets an `UNAVAILABLE` error and the connection stays
 * open; once Redis is back, the same process serves again.
 */
import { randomBytes } from 'node:crypto';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import { closeRedis } from '../../src/db/redis.js';
import { handler as connect } from '../../src/ws/connect.js';
import { resetSubscriptionRegistry } from '../../src/ws/registry.js';
import { subscribe } from '../../src/ws/subscribe.js';
import type { WsEvent } from '../../src/ws/ws-event.js';

let server: PrivateServer;

beforeAll(async () => {
  server = await startPrivateRedis();
  Object.assign(process.env, {
    REDIS_URL: server.url,
    REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
    LOG_LEVEL: 'silent',
  });
  resetSubscriptionRegistry();
});

afterAll(async () => {
  await closeRedis();
  resetSubscriptionRegistry();
  await server.stop();
});

function event(connectionId: string, routeKey: string, body?: unknown): WsEvent {
  return {
    requestContext: { connectionId, connectedAt: Date.now(), routeKey },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

const subscribeTrades = { method: 'SUBSCRIBE', params: ['trades@SOL_USDC'], id: 7 };

it('refuses $connect with 503 and answers messages UNAVAILABLE while Redis is down, and serves again after', async () => {
  expect(await connect(event('c-1', '$connect'))).toEqual({ statusCode: 200 });

  let refused: Awaited<ReturnType<typeof connect>> | undefined;
  let answered: Awaited<ReturnType<typeof subscribe>> | undefined;
  await server.restart(async () => {
    refused = await connect(event('c-2', '$connect'));
    answered = await subscribe(event('c-1', 'SUBSCRIBE', subscribeTrades));
  });

  expect(refused?.statusCode).toBe(503);
  expect(JSON.parse(refused?.body ?? '{}')).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  expect(JSON.parse(answered?.body ?? '{}')).toMatchObject({
    error: { code: 8, name: 'UNAVAILABLE' },
    id: 7,
  });

  expect(await connect(event('c-3', '$connect'))).toEqual({ statusCode: 200 });
  expect(
    JSON.parse((await subscribe(event('c-3', 'SUBSCRIBE', subscribeTrades))).body ?? '{}'),
  ).toMatchObject({
    result: null,
    id: 7,
  });
});
