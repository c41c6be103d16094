/**
 * Integration: `FANOUT_SHARDS=2` through the exchange's supervisor (as `npm start`
 * runs it) — two fan-out processes, `fanout-0` and `fanout-1`, split the WebSocket
 * connections between them and every client gets each trade exactly once.
 */
import { once } from 'node:events';
import type { Credentials } from '@exchange/market-maker';
import WebSocket from 'ws';
import { startTestExchange, type TestExchange } from './test-exchange.js';

const CLIENTS = 16;
const TRADES = 2;

let stack: TestExchange;

beforeAll(async () => {
  stack = await startTestExchange('fanout-shards', { FANOUT_SHARDS: '2' });
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 120_000);

/** A client subscribed to the market's trades, collecting their ids. */
async function subscriber(url: string): Promise<{ socket: WebSocket; tradeIds: number[] }> {
  const socket = new WebSocket(url);
  const tradeIds: number[] = [];
  let acknowledged: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    acknowledged = resolve;
  });
  socket.on('message', (raw) => {
    const parsed = JSON.parse(raw.toString()) as unknown;
    for (const frame of (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]) {
      if ('result' in frame) acknowledged();
      const data = frame.data as { tradeId?: number } | undefined;
      if (frame.stream === 'trades@SOL_USDC' && data?.tradeId !== undefined) tradeIds.push(data.tradeId);
    }
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['trades@SOL_USDC'], id: 1 }));
  await subscribed;
  return { socket, tradeIds };
}

describe('FANOUT_SHARDS=2 under the supervisor', () => {
  it('runs two fan-outs that split the connections and deliver every trade once', async () => {
    // Prepare
    const { exchange, client } = stack;
    const names = (await exchange.status()).components.map((c) => `${c.name}:${c.state}`);
    expect(names).toEqual(expect.arrayContaining(['fanout-0:up', 'fanout-1:up']));
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => subscriber(exchange.urls.websocket as string)),
    );
    const signUp = async (label: string) =>
      (await client.json('POST', '/api/v1/accounts', { label })) as Credentials;
    const [buyer, seller] = [await signUp('buyer'), await signUp('seller')];
    await client.json('POST', '/api/v1/onramp', { asset: 'USDC', amount: '10000' }, buyer);
    await client.json('POST', '/api/v1/onramp', { asset: 'SOL', amount: '100' }, seller);

    // Act
    for (let i = 0; i < TRADES; i++) {
      const order = { market: 'SOL_USDC', type: 'LIMIT', price: '100.00', quantity: '1' };
      await client.json('POST', '/api/v1/order', { ...order, side: 'BUY' }, buyer);
      await client.json('POST', '/api/v1/order', { ...order, side: 'SELL' }, seller);
    }
    for (const { tradeIds } of clients) {
      while (tradeIds.length < TRADES) await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assess
    const first = clients[0]?.tradeIds[0] as number;
    for (const { tradeIds } of clients) expect(tradeIds).toEqual([first, first + 1]);
    const health = await Promise.all(
      [exchange.urls.fanoutHealth, exchange.urls.fanoutHealth1].map(
        async (url) => (await (await fetch(url as string)).json()) as { shard: string; connections: number },
      ),
    );
    expect(health.map((h) => h.shard)).toEqual(['0/2', '1/2']);
    expect(health.every((h) => h.connections > 0)).toBe(true);
    expect(health.reduce((sum, h) => sum + h.connections, 0)).toBe(CLIENTS);
    for (const { socket } of clients) socket.close();
  }, 120_000);
});
