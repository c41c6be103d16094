/**
 * Integration: two fan-outs, shards 0/2 and 1/2, against the same registry and the
 * WebSocket emulator — every client is served, exactly once, by the shard its
 * connection id hashes to.
 */
import type { PublicTrade } from '@exchange/protocol';
import { StreamClient } from './stream-client.js';
import { startWsStack, type WsStack } from './ws-stack.js';

const CLIENTS = 16;
const TRADES = 5;

let stack: WsStack;

beforeAll(async () => {
  stack = await startWsStack({ shards: 2 });
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

describe('two fan-out shards', () => {
  it('serve each client every trade exactly once, and split the connections between them', async () => {
    // Prepare
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => StreamClient.connect(stack.api.url)),
    );
    for (const client of clients) await client.request('SUBSCRIBE', ['trades@SOL_USDC']);
    let request = 0;
    const command = (c: Record<string, unknown>) => ({ requestId: `r-${++request}`, ...c });
    await stack.send([
      command({ type: 'DEPOSIT', accountId: 'maker', asset: 'SOL', amount: '100' }),
      command({ type: 'DEPOSIT', accountId: 'taker', asset: 'USDC', amount: '100000' }),
    ]);
    await stack.applied(2);

    // Act
    const orders = Array.from({ length: TRADES }, () => [
      command({
        type: 'CREATE_ORDER',
        accountId: 'maker',
        market: 'SOL_USDC',
        side: 'SELL',
        orderType: 'LIMIT',
        price: '100.00',
        quantity: '0.100',
      }),
      command({
        type: 'CREATE_ORDER',
        accountId: 'taker',
        market: 'SOL_USDC',
        side: 'BUY',
        orderType: 'LIMIT',
        price: '100.00',
        quantity: '0.100',
      }),
    ]).flat();
    await stack.send(orders);
    await stack.applied(2 + orders.length);
    await Promise.all(
      clients.map((client) =>
        client.waitFor(() => client.data<PublicTrade>('trades@SOL_USDC').length >= TRADES),
      ),
    );
    await Promise.all(stack.fanouts.map((fanout) => fanout.idle()));

    // Assess
    for (const client of clients) {
      const ids = client.data<PublicTrade>('trades@SOL_USDC').map((trade) => trade.tradeId);
      expect(ids).toEqual(Array.from({ length: TRADES }, (_, i) => (ids[0] as number) + i));
    }
    const served = stack.fanouts.map((fanout) => fanout.stats().connections);
    expect(served.every((n) => n > 0)).toBe(true);
    expect(served.reduce((a, b) => a + b, 0)).toBe(CLIENTS);
    // the full resync (its share filtered inside Redis) agrees with the notices (filtered here)
    await Promise.all(stack.fanouts.map((fanout) => fanout.resync()));
    expect(stack.fanouts.map((fanout) => fanout.stats().connections)).toEqual(served);
    await Promise.all(clients.map((client) => client.close()));
  });
});
