/**
 * Integration test of the fan-out when Redis loses its data: a `FLUSHALL`, and a restart
 * of a Redis that keeps nothing on disk. The clients it was serving must be closed (so
 * they reconnect and subscribe again), and the fan-out must go on serving the clients
 * that do. Runs its own `redis-server` (restarted here), the WebSocket API emulator with
 * the real route handlers, and the fan-out; the engine is played by `PUBLISH`.
 */
import { once } from 'node:events';
import { closeRedis } from '@exchange/functions/db/redis';
import { resetSubscriptionRegistry } from '@exchange/functions/ws/registry';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import { startWebSocketApi, type WebSocketApi } from '@exchange/localstack';
import {
  createMarketRegistry,
  type PublicTrade,
  publicTradesJson,
  redisKeys,
  wsKeys,
} from '@exchange/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type RunningFanout, startFanout } from '../../src/fanout/fanout.js';
import { StreamClient } from './stream-client.js';

const keys = redisKeys('loss:');
const trade: PublicTrade = {
  type: 'TRADE',
  seq: 1,
  time: 1_700_000_000_000,
  market: 'SOL_USDC',
  tradeId: 1,
  price: '100.00',
  quantity: '1.000',
  quoteQuantity: '100.000000',
  takerSide: 'BUY',
};

let server: PrivateServer;
let redis: Redis;
let api: WebSocketApi;
let fanout: RunningFanout;

/** Waits until `condition` holds, checking every 20 ms (Jest's timeout bounds the wait). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A client subscribed to SOL_USDC trades, once the fan-out serves it. */
async function subscribedClient(): Promise<StreamClient> {
  const client = await StreamClient.connect(api.url);
  expect(await client.request('SUBSCRIBE', ['trades@SOL_USDC'])).toMatchObject({ result: null });
  const id = (await redis.smembers(wsKeys(keys.prefix).stream('trades@SOL_USDC')))[0];
  await until(() => fanout.stats().connections === 1 && id !== undefined);
  return client;
}

beforeAll(async () => {
  server = await startPrivateRedis();
  const { url } = server;
  Object.assign(process.env, { REDIS_URL: url, REDIS_PREFIX: keys.prefix });
  resetSubscriptionRegistry();
  redis = new Redis(url);
  api = await startWebSocketApi({ log: () => {} });
  fanout = await startFanout({
    registry: createMarketRegistry(),
    redisUrl: url,
    redisKeys: keys,
    wsKeys: wsKeys(keys.prefix),
    managementEndpoint: api.managementEndpoint,
    region: 'us-east-1',
    registryCheckMs: 50,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
});

afterAll(async () => {
  await fanout.stop();
  await api.close();
  redis.disconnect();
  await closeRedis();
  resetSubscriptionRegistry();
  await server.stop();
});

describe('the fan-out when Redis loses its data', () => {
  it('closes the connections a FLUSHALL unregistered, and serves those that come back', async () => {
    // Prepare
    const lost = await subscribedClient();
    const closed = once(lost.socket, 'close');

    // Act
    await redis.flushall();
    const [code] = (await closed) as [number];
    const back = await subscribedClient();
    await redis.publish(keys.marketChannel('trades', 'SOL_USDC'), publicTradesJson([trade]));

    // Assess: closed as API Gateway's DeleteConnection does, then served again
    expect(code).toBe(1001);
    expect(await back.waitFor((m) => m.stream === 'trades@SOL_USDC')).toEqual({
      stream: 'trades@SOL_USDC',
      data: trade,
    });
    expect(fanout.stats().lost).toBeGreaterThanOrEqual(1);
    await back.close();
    await until(() => fanout.stats().connections === 0);
  });

  it('survives a restart of Redis: closes the clients it lost, subscribes again, serves the new ones', async () => {
    // Prepare
    const lost = await subscribedClient();
    const closed = once(lost.socket, 'close');

    // Act: the server dies with everything it held and comes back empty
    await server.restart();
    await closed;
    const back = await subscribedClient();
    await redis.publish(
      keys.marketChannel('trades', 'SOL_USDC'),
      publicTradesJson([{ ...trade, tradeId: 2 }]),
    );

    // Assess: the market data published after the restart reaches the new client
    expect(await back.waitFor((m) => m.stream === 'trades@SOL_USDC')).toMatchObject({ data: { tradeId: 2 } });
    await back.close();
  });
});
