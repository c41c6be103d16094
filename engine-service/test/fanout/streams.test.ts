/**
 * Integration: the streams end to end — WebSocket emulator with the real route
 * handlers, the real engine fed through fauxqs, Redis, and the fan-out.
 */
import { accountStore } from '@exchange/functions/accounts/account-store';
import { hmacSha256Hex } from '@exchange/functions/auth/signature';
import {
  type AccountUpdate,
  type DepthReadModel,
  depthReadModelOf,
  mulberry32,
  type PublicTrade,
  type TickerReadModel,
  WS_DROP_CONNECTION_LUA,
  WS_SUBSCRIBE_LUA,
} from '@exchange/protocol';
import { type Received, StreamClient } from './stream-client.js';
import { startWsStack, type WsStack } from './ws-stack.js';

let stack: WsStack;
let seq = 0;
let request = 0;

beforeAll(async () => {
  stack = await startWsStack();
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

/** Sends commands (request ids and the running sequence are filled in) and waits until applied. */
async function run(commands: readonly Record<string, unknown>[]): Promise<void> {
  await stack.send(commands.map((c) => ({ requestId: `r-${++request}`, ...c })));
  seq += commands.length;
  await stack.applied(seq);
}

function deposit(accountId: string, asset: string, amount: string) {
  return { type: 'DEPOSIT', accountId, asset, amount };
}

function limit(accountId: string, market: string, side: 'BUY' | 'SELL', price: string, quantity: string) {
  return { type: 'CREATE_ORDER', accountId, market, side, orderType: 'LIMIT', price, quantity };
}

interface NativeDepth {
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly bids: [string, string][];
  readonly asks: [string, string][];
}

const isZero = (quantity: string) => /^0(\.0+)?$/.test(quantity);

/**
 * The README's book-sync procedure, run over the diffs a client received: from the
 * snapshot, skip diffs with `u <= lastUpdateId`, the first applied must have
 * `U <= lastUpdateId + 1 <= u`, each next one `U = previous u + 1`.
 */
function rebuild(
  snapshot: DepthReadModel,
  diffs: readonly NativeDepth[],
): { book: DepthReadModel; gaps: number } | undefined {
  const bids = new Map(snapshot.bids);
  const asks = new Map(snapshot.asks);
  let last = snapshot.lastUpdateId;
  let gaps = 0;
  let first = true;
  for (const diff of diffs) {
    if (diff.lastUpdateId <= last) continue;
    if (first) {
      if (!(diff.firstUpdateId <= last + 1)) return undefined;
      first = false;
    } else if (diff.firstUpdateId !== last + 1) {
      gaps++;
    }
    for (const [price, quantity] of diff.bids)
      isZero(quantity) ? bids.delete(price) : bids.set(price, quantity);
    for (const [price, quantity] of diff.asks)
      isZero(quantity) ? asks.delete(price) : asks.set(price, quantity);
    last = diff.lastUpdateId;
  }
  const sorted = (side: Map<string, string>, descending: boolean) =>
    [...side].sort((a, b) => (descending ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return {
    book: { ...snapshot, lastUpdateId: last, bids: sorted(bids, true), asks: sorted(asks, false) },
    gaps,
  };
}

async function depthModel(market: string): Promise<DepthReadModel> {
  return depthReadModelOf(market, await stack.redis.hgetall(stack.keys.depth(market)));
}

describe('the stream API', () => {
  it('delivers a trade, then the depth that includes it, then the ticker', async () => {
    // Prepare
    const client = await StreamClient.connect(stack.api.url);
    const answer = await client.request('SUBSCRIBE', [
      'trades@BTC_USDC',
      'depth@BTC_USDC',
      'ticker@BTC_USDC',
    ]);
    expect(answer).toEqual({ result: null, id: 1 });
    await run([deposit('o-buyer', 'USDC', '100000'), deposit('o-seller', 'BTC', '1')]);

    // Act
    await run([
      limit('o-buyer', 'BTC_USDC', 'BUY', '50000.0', '0.01'),
      limit('o-seller', 'BTC_USDC', 'SELL', '50000.0', '0.01'),
    ]);
    await client.waitFor((m) => m.stream === 'ticker@BTC_USDC');

    // Assess
    const streams = client.messages.filter((m) => m.stream !== undefined);
    const tradeAt = streams.findIndex((m) => m.stream === 'trades@BTC_USDC');
    const depthAt = streams.findIndex(
      (m) => m.stream === 'depth@BTC_USDC' && (m.data as NativeDepth).lastUpdateId >= 2,
    );
    const tickerAt = streams.findIndex((m) => m.stream === 'ticker@BTC_USDC');
    expect(streams[tradeAt]?.data).toMatchObject({
      price: '50000.0',
      quantity: '0.01000',
      takerSide: 'SELL',
    });
    expect(tradeAt).toBeGreaterThanOrEqual(0);
    expect(depthAt).toBeGreaterThan(tradeAt);
    expect(tickerAt).toBeGreaterThan(depthAt);
    expect(streams[tickerAt]?.data).toMatchObject({ count: 1, lastPrice: '50000.0' });
    await client.close();
  });

  it('answers malformed requests and unknown streams with an error and keeps the connection open', async () => {
    // Prepare
    const client = await StreamClient.connect(stack.api.url);

    // Act
    const notJson = await client.sendRaw('hello');
    const unknownMethod = await client.sendRaw('{"method":"SUBSCRIBE_ALL","params":[],"id":7}');
    const unknownStream = await client.request('SUBSCRIBE', ['trades@DOGE_USDC']);
    const badInterval = await client.request('SUBSCRIBE', ['solusdc@kline_7m']);
    const privateAnonymous = await client.request('SUBSCRIBE', ['account']);
    const stillServed = await client.request('SUBSCRIBE', ['solusdc@kline_1m', 'kline@SOL_USDC_5m']);
    const listed = await client.request('LIST_SUBSCRIPTIONS');

    // Assess
    expect(notJson.error).toMatchObject({ code: 3, name: 'INVALID_JSON' });
    expect(unknownMethod).toMatchObject({ error: { code: 2, name: 'INVALID_REQUEST' }, id: 7 });
    expect(unknownStream.error).toMatchObject({ code: 4, name: 'UNKNOWN_STREAM' });
    expect(badInterval.error).toMatchObject({ code: 4, name: 'UNKNOWN_STREAM' });
    expect(privateAnonymous.error).toMatchObject({ code: 5, name: 'AUTH_REQUIRED' });
    expect(stillServed).toEqual({ result: null, id: 4 });
    expect(listed).toEqual({ result: ['kline@SOL_USDC_5m', 'solusdc@kline_1m'], id: 5 });
    await client.close();
  });

  it('lets a client rebuild the exact book from a snapshot and diffs through 5,000 random orders', async () => {
    // Prepare: a book that stays within 61 price levels, so the 100-level snapshot is the whole book
    const accounts = Array.from({ length: 20 }, (_, i) => `book-${i}`);
    await run(accounts.flatMap((a) => [deposit(a, 'USDC', '100000000'), deposit(a, 'SOL', '1000000')]));
    const random = mulberry32(7);
    const orders = Array.from({ length: 5000 }, (_, i) => {
      const accountId = accounts[i % accounts.length] as string;
      const side = random() < 0.5 ? 'BUY' : 'SELL';
      const roll = random();
      if (roll < 0.03) return { type: 'CANCEL_ALL', accountId, market: 'SOL_USDC' };
      const quantity = (0.01 + Math.floor(random() * 2000) / 1000).toFixed(3);
      if (roll < 0.1)
        return { type: 'CREATE_ORDER', accountId, market: 'SOL_USDC', side, orderType: 'MARKET', quantity };
      const price = (99.7 + Math.floor(random() * 61) / 100).toFixed(2);
      return limit(accountId, 'SOL_USDC', side, price, quantity);
    });
    const fromStart = await StreamClient.connect(stack.api.url);
    await fromStart.request('SUBSCRIBE', ['depth@SOL_USDC', 'solusdc@depth@100ms']);
    const startSnapshot = await depthModel('SOL_USDC');

    // Act: a second client joins half-way, while orders flow
    const sending = stack.send(orders.map((c) => ({ requestId: `r-${++request}`, ...c })));
    seq += orders.length;
    await stack.applied(seq - orders.length / 2);
    const midway = await StreamClient.connect(stack.api.url);
    await midway.request('SUBSCRIBE', ['depth@SOL_USDC']);
    const snapshots: DepthReadModel[] = [];
    for (let i = 0; i < 5; i++) {
      snapshots.push(await depthModel('SOL_USDC'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await sending;
    await stack.applied(seq);
    const engineBook = await depthModel('SOL_USDC');
    const caughtUp = (m: Received) =>
      (m.data as NativeDepth | undefined)?.lastUpdateId === engineBook.lastUpdateId;
    await fromStart.waitFor((m) => m.stream === 'depth@SOL_USDC' && caughtUp(m));
    await fromStart.waitFor((m) => m.e === 'depthUpdate' && m.u === engineBook.lastUpdateId);
    await midway.waitFor((m) => m.stream === 'depth@SOL_USDC' && caughtUp(m));

    // Assess
    const binanceDiffs = fromStart.messages
      .filter((m) => m.e === 'depthUpdate')
      .map((m) => ({ firstUpdateId: m.U, lastUpdateId: m.u, bids: m.b, asks: m.a }) as NativeDepth);
    const fromStartBook = rebuild(startSnapshot, fromStart.data<NativeDepth>('depth@SOL_USDC'));
    const binanceBook = rebuild(startSnapshot, binanceDiffs);
    const midwayBook = snapshots
      .map((snapshot) => rebuild(snapshot, midway.data<NativeDepth>('depth@SOL_USDC')))
      .find((result) => result !== undefined);
    expect(engineBook.bids.length + engineBook.asks.length).toBeGreaterThan(20);
    expect(engineBook.bids.length).toBeLessThan(100);
    expect(engineBook.asks.length).toBeLessThan(100);
    for (const result of [fromStartBook, binanceBook, midwayBook]) {
      expect(result?.gaps).toBe(0);
      expect(result?.book.lastUpdateId).toBe(engineBook.lastUpdateId);
      expect(result?.book.bids).toEqual(engineBook.bids);
      expect(result?.book.asks).toEqual(engineBook.asks);
    }
    expect(fromStart.data('depth@SOL_USDC').length).toBeLessThan(engineBook.lastUpdateId);
    await fromStart.close();
    await midway.close();
  }, 180_000);

  it('serves the private account stream to its own account only', async () => {
    // Prepare: two accounts with API keys, each on a signed connection
    const alice = await accountStore().createAccount();
    const bob = await accountStore().createAccount();
    const signedUrl = (key: { apiKey: string; secretKey: string }) => {
      const query = `apiKey=${key.apiKey}&timestamp=${Date.now()}`;
      return `${stack.api.url}?${query}&signature=${hmacSha256Hex(key.secretKey, `ws-connect:${query}`)}`;
    };
    const aliceClient = await StreamClient.connect(signedUrl(alice));
    const bobClient = await StreamClient.connect(signedUrl(bob));
    expect(await aliceClient.request('SUBSCRIBE', ['account'])).toEqual({ result: null, id: 1 });
    expect(await bobClient.request('SUBSCRIBE', ['account'])).toEqual({ result: null, id: 1 });
    const forged = `${stack.api.url}?apiKey=${alice.apiKey}&timestamp=${Date.now()}&signature=${'0'.repeat(64)}`;

    // Act
    await run([
      deposit(alice.accountId, 'USDC', '1000'),
      deposit(bob.accountId, 'ETH', '2'),
      limit(alice.accountId, 'ETH_USDC', 'BUY', '300.00', '1'),
      limit(bob.accountId, 'ETH_USDC', 'SELL', '300.00', '1'),
    ]);
    await aliceClient.waitFor((m) => (m.data as AccountUpdate | undefined)?.fills?.length === 1);
    await bobClient.waitFor((m) => (m.data as AccountUpdate | undefined)?.fills?.length === 1);
    await stack.fanout.idle();

    // Assess
    const aliceUpdates = aliceClient.data<AccountUpdate>('account');
    const bobUpdates = bobClient.data<AccountUpdate>('account');
    expect(aliceUpdates.map((u) => u.accountId)).toEqual(aliceUpdates.map(() => alice.accountId));
    expect(bobUpdates.map((u) => u.accountId)).toEqual(bobUpdates.map(() => bob.accountId));
    expect(aliceUpdates.length).toBe(3);
    expect(bobUpdates.length).toBe(2);
    expect(aliceUpdates[2]?.fills[0]).toMatchObject({ side: 'BUY', price: '300.00' });
    await expect(StreamClient.connect(forged)).rejects.toThrow('refused with 401');
    await aliceClient.close();
    await bobClient.close();
  });

  it('stops delivering after UNSUBSCRIBE, and cleans the registry on disconnect and on 410 Gone', async () => {
    // Prepare
    const watcher = await StreamClient.connect(stack.api.url);
    const leaver = await StreamClient.connect(stack.api.url);
    await watcher.request('SUBSCRIBE', ['trades@ETH_USDC']);
    await leaver.request('SUBSCRIBE', ['trades@ETH_USDC', 'ethusdc@trade']);
    const leaverId = (await stack.redis.smembers(stack.ws.stream('ethusdc@trade')))[0] as string;
    const ghost = 'ghostconnect1=';
    await stack.redis.hset(stack.ws.connection(ghost), { connectedAt: String(Date.now()) });
    await stack.redis.pexpire(stack.ws.connection(ghost), 60_000);
    await stack.redis.eval(
      WS_SUBSCRIBE_LUA,
      2,
      stack.ws.subscriptions(ghost),
      stack.ws.connection(ghost),
      stack.ws.prefix,
      ghost,
      'trades@ETH_USDC',
    );
    await stack.fanout.resync();

    // Act
    expect(await leaver.request('UNSUBSCRIBE', ['trades@ETH_USDC'])).toEqual({ result: null, id: 2 });
    const listed = await leaver.request('LIST_SUBSCRIPTIONS');
    await run([
      deposit('u-buyer', 'USDC', '1000'),
      deposit('u-seller', 'ETH', '1'),
      limit('u-buyer', 'ETH_USDC', 'BUY', '301.00', '1'),
      limit('u-seller', 'ETH_USDC', 'SELL', '301.00', '1'),
    ]);
    await watcher.waitFor((m) => (m.data as PublicTrade | undefined)?.price === '301.00');
    await leaver.waitFor((m) => m.e === 'trade' && m.p === '301.00');
    await stack.fanout.idle();
    const ghostRemains = await stack.redis.exists(stack.ws.subscriptions(ghost), stack.ws.connection(ghost));
    await leaver.close();
    let leaverRemains = 1;
    while (leaverRemains > 0) {
      leaverRemains = await stack.redis.exists(
        stack.ws.connection(leaverId),
        stack.ws.subscriptions(leaverId),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // Assess
    expect(listed).toEqual({ result: ['ethusdc@trade'], id: 3 });
    expect(leaver.data('trades@ETH_USDC').filter((t) => (t as PublicTrade).price === '301.00')).toEqual([]);
    expect(ghostRemains).toBe(0);
    expect(await stack.redis.smembers(stack.ws.stream('trades@ETH_USDC'))).not.toContain(ghost);
    expect(await stack.redis.smembers(stack.ws.stream('ethusdc@trade'))).not.toContain(leaverId);
    expect(await stack.redis.sismember(stack.ws.streams, 'ethusdc@trade')).toBe(0);
    expect(stack.fanout.stats().gone).toBeGreaterThanOrEqual(1);
    await watcher.close();
    // The drop script is idempotent: a second $disconnect finds nothing to do.
    expect(
      await stack.redis.eval(
        WS_DROP_CONNECTION_LUA,
        2,
        stack.ws.subscriptions(ghost),
        stack.ws.connection(ghost),
        stack.ws.prefix,
        ghost,
      ),
    ).toBe(0);
  });

  it('keeps delivering to healthy clients while one stops reading', async () => {
    // Prepare
    const healthy = await Promise.all(Array.from({ length: 5 }, () => StreamClient.connect(stack.api.url)));
    const stalled = await StreamClient.connect(stack.api.url);
    for (const client of [...healthy, stalled])
      await client.request('SUBSCRIBE', ['trades@ETH_USDC', 'ticker@ETH_USDC']);
    stalled.socket.pause();
    const before = stalled.messages.length;
    await run([deposit('s-buyer', 'USDC', '1000000'), deposit('s-seller', 'ETH', '100')]);

    // Act: 100 trades
    const trades = Array.from({ length: 100 }, (_, i) => [
      limit('s-seller', 'ETH_USDC', 'SELL', `${(250 + i / 100).toFixed(2)}`, '0.1'),
      limit('s-buyer', 'ETH_USDC', 'BUY', `${(250 + i / 100).toFixed(2)}`, '0.1'),
    ]).flat();
    await run(trades);
    const lastPrice = (250 + 99 / 100).toFixed(2);
    await Promise.all(
      healthy.map((c) =>
        c.waitFor((m) => m.stream === 'trades@ETH_USDC' && (m.data as PublicTrade).price === lastPrice),
      ),
    );

    // Assess: every healthy client has all 100 trades in order while the stalled one has read nothing
    const stalledWhileHealthyDone = stalled.messages.length - before;
    for (const client of healthy) {
      const prices = client
        .data<PublicTrade>('trades@ETH_USDC')
        .map((t) => t.price)
        .filter((p) => p.startsWith('25'));
      expect(prices).toEqual(trades.filter((_, i) => i % 2 === 0).map((o) => o.price));
    }
    expect(stalledWhileHealthyDone).toBe(0);
    stalled.socket.resume();
    await stalled.waitFor(
      (m) => m.stream === 'trades@ETH_USDC' && (m.data as PublicTrade).price === lastPrice,
    );
    expect(stalled.data<TickerReadModel>('ticker@ETH_USDC').length).toBeGreaterThan(0);
    for (const client of [...healthy, stalled]) await client.close();
  });
});
