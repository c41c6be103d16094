/**
 * Integration: two independent Binance client libraries from npm — ccxt (multi-exchange,
 * with its pro WebSockets) and `binance` (tiagosiebler's SDK) — against the whole local
 * exchange, unchanged but for their base URLs: REST, a public stream (the order book
 * kept from the diff stream equals REST depth), the user data stream (an order placed
 * and filled shows up as execution reports and balance events) and order entry over the
 * WebSocket API; with ccxt, a stop-limit that waits and then fires, and orders edited with
 * its `editOrder` (cancel-replace), with the exact amounts locked. (The book kept from the
 * diff stream is checked with ccxt, which keeps one; the SDK only delivers the `depthUpdate`
 * events.)
 */
import { createHmac } from 'node:crypto';
import { MainClient, WebsocketAPIClient, WebsocketClient } from 'binance';
import ccxt from 'ccxt';
import { startTestExchange, type TestExchange } from './exchange/test-exchange.js';

interface Key {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
}

let test: TestExchange;
let rest: string;
let ws: string;

beforeAll(async () => {
  test = await startTestExchange('binance-clients');
  rest = test.exchange.urls.rest as string;
  ws = test.exchange.urls.websocket as string;
}, 180_000);
afterAll(() => test?.close());

/** A fresh funded account (sign-up, then the on-ramp, signed as the REST API documents). */
async function funded(deposits: Readonly<Record<string, string>>): Promise<Key> {
  const signUp = await fetch(`${rest}/api/v1/accounts`, {
    method: 'POST',
    body: JSON.stringify({ permissions: ['read', 'trade'] }),
    headers: { 'content-type': 'application/json' },
  });
  const key = (await signUp.json()) as Key;
  for (const [asset, amount] of Object.entries(deposits)) {
    const query = `timestamp=${Date.now()}&recvWindow=${50_000 + Math.floor(Math.random() * 9_000)}`;
    const body = JSON.stringify({ asset, amount });
    const signature = createHmac('sha256', key.secretKey)
      .update(query + body)
      .digest('hex');
    const credited = await fetch(`${rest}/api/v1/onramp?${query}&signature=${signature}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'X-MBX-APIKEY': key.apiKey },
    });
    if (credited.status !== 200) throw new Error(`on-ramp answered ${credited.status}`);
  }
  return key;
}

/** REST depth as Binance sends it, parsed to numbers as the clients keep books. */
async function restBook(symbol: string) {
  const depth = (await (await fetch(`${rest}/api/v3/depth?symbol=${symbol}&limit=1000`)).json()) as {
    bids: [string, string][];
    asks: [string, string][];
  };
  const numbers = (levels: [string, string][]) => levels.map(([p, q]) => [Number(p), Number(q)]);
  return { bids: numbers(depth.bids), asks: numbers(depth.asks) };
}

async function eventually(probe: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('ccxt (binance, pro)', () => {
  async function client(key: Key) {
    const exchange = new ccxt.pro.binance({
      apiKey: key.apiKey,
      secret: key.secretKey,
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
    });
    const api = exchange.urls.api as Record<string, unknown> & { ws: Record<string, unknown> };
    api.public = `${rest}/api/v3`;
    api.private = `${rest}/api/v3`;
    api.sapi = `${rest}/sapi/v1`;
    api.ws.spot = `${ws}?path=`;
    (api.ws['ws-api'] as Record<string, string>).spot = ws;
    // ccxt's own step for plain ws:// URLs (a local server without TLS).
    await exchange.loadHttpProxyAgent();
    return exchange;
  }

  it('trades over REST and the WebSocket API, keeps the book from the diff stream, and watches its orders', async () => {
    // Prepare
    const maker = await client(await funded({ SOL: '20' }));
    const taker = await client(await funded({ USDC: '5000' }));
    try {
      const markets = await maker.loadMarkets();
      const book = maker.watchOrderBook('SOL/USDC');
      await book;
      const orders = maker.watchOrders('SOL/USDC');
      // Act
      const resting = await maker.createOrder('SOL/USDC', 'limit', 'sell', 2, 120);
      const overWs = await maker.createOrderWs('SOL/USDC', 'limit', 'sell', 1, 121);
      await eventually(async () => {
        const kept = maker.orderbooks['SOL/USDC'];
        const expected = await restBook('SOLUSDC');
        return (
          kept !== undefined &&
          JSON.stringify(kept.asks.slice(0, expected.asks.length)) === JSON.stringify(expected.asks) &&
          JSON.stringify(kept.bids.slice(0, expected.bids.length)) === JSON.stringify(expected.bids)
        );
      }, 'the kept book to equal REST depth');
      const fill = await taker.createOrder('SOL/USDC', 'market', 'buy', 2);
      const seen = await orders;
      await eventually(async () => {
        const filled = (await maker.watchOrders('SOL/USDC')).find((o) => o.id === resting.id);
        return filled?.status === 'closed';
      }, 'the maker’s fill in its order stream');
      const balance = await maker.fetchBalance();
      // Assess
      expect(markets['SOL/USDC']).toMatchObject({ id: 'SOLUSDC', base: 'SOL', quote: 'USDC', spot: true });
      expect(resting).toMatchObject({ status: 'open', price: 120, amount: 2 });
      expect(overWs).toMatchObject({ status: 'open', price: 121, amount: 1 });
      expect(fill).toMatchObject({ status: 'closed', filled: 2 });
      expect(seen.length).toBeGreaterThan(0);
      expect(balance.SOL).toMatchObject({ total: 18, used: 1 });
      const cancel = await maker.cancelOrder(overWs.id as string, 'SOL/USDC');
      expect(cancel.status).toBe('canceled');
    } finally {
      await maker.close();
      await taker.close();
    }
  });

  /** One asset's balance as `GET /api/v3/account` sends it: exact decimal strings. */
  async function held(exchange: Awaited<ReturnType<typeof client>>, asset: string) {
    const { info } = await exchange.fetchBalance();
    const balances = (info as { balances: { asset: string; free: string; locked: string }[] }).balances;
    const row = balances.find((b) => b.asset === asset);
    return { free: row?.free, locked: row?.locked };
  }

  it('places a stop-limit that waits, and edits orders by cancel-replace with exact locks', async () => {
    // Prepare: a trade at 100 gives the market a last price for stops to wait below.
    const seller = await client(await funded({ SOL: '20' }));
    const buyer = await client(await funded({ USDC: '5000' }));
    try {
      await buyer.createOrder('SOL/USDC', 'limit', 'buy', 1, 100);
      const tape = await seller.createOrder('SOL/USDC', 'limit', 'sell', 1, 100);
      // Act
      const stop = await seller.createOrder('SOL/USDC', 'limit', 'sell', 2, 89, { triggerPrice: 90 });
      const waiting = await seller.fetchOpenOrders('SOL/USDC');
      const lockedByStop = await held(seller, 'SOL');
      const edited = await seller.editOrder(stop.id as string, 'SOL/USDC', 'limit', 'sell', 3, 88, {
        stopPrice: 91,
      });
      const afterEdit = await seller.fetchOpenOrders('SOL/USDC');
      const replaced = await seller.fetchOrder(stop.id as string, 'SOL/USDC');
      const lockedByEdit = await held(seller, 'SOL');
      const bid = await buyer.createOrder('SOL/USDC', 'limit', 'buy', 1, 50);
      const lockedByBid = await held(buyer, 'USDC');
      const rebid = await buyer.editOrder(bid.id as string, 'SOL/USDC', 'limit', 'buy', 2.5, 40.01);
      const lockedByRebid = await held(buyer, 'USDC');
      const bids = await buyer.fetchOpenOrders('SOL/USDC');
      // A trade at 91 fires the edited stop: a limit sell of 3 at 88, resting (no bid reaches it).
      await buyer.createOrder('SOL/USDC', 'limit', 'buy', 1, 91);
      await seller.createOrder('SOL/USDC', 'limit', 'sell', 1, 91);
      const fired = await seller.fetchOrder(edited.id as string, 'SOL/USDC');
      const lockedWhenFired = await held(seller, 'SOL');
      // Assess
      expect(tape).toMatchObject({ status: 'closed', filled: 1, average: 100 });
      expect(stop).toMatchObject({ status: 'open', type: 'limit', side: 'sell', price: 89, amount: 2 });
      expect(stop.triggerPrice).toBe(90);
      expect(stop.info).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: '90.00', workingTime: -1 });
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatchObject({ id: stop.id, status: 'open', triggerPrice: 90, filled: 0 });
      expect(waiting[0]?.info).toMatchObject({ type: 'STOP_LOSS_LIMIT', isWorking: false, workingTime: -1 });
      expect(lockedByStop).toEqual({ free: '17.00000000', locked: '2.00000000' });
      expect(edited).toMatchObject({ status: 'open', side: 'sell', price: 88, amount: 3, triggerPrice: 91 });
      expect(edited.id).not.toBe(stop.id);
      expect(edited.info).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: '91.00' });
      expect(afterEdit.map((o) => o.id)).toEqual([edited.id]);
      expect(afterEdit[0]).toMatchObject({ price: 88, amount: 3, triggerPrice: 91 });
      expect(replaced.status).toBe('canceled');
      expect(lockedByEdit).toEqual({ free: '16.00000000', locked: '3.00000000' });
      expect(lockedByBid).toEqual({ free: '4850.000000', locked: '50.000000' });
      expect(rebid).toMatchObject({ status: 'open', side: 'buy', price: 40.01, amount: 2.5 });
      expect(bids.map((o) => o.id)).toEqual([rebid.id]);
      // 2.5 × 40.01 = 100.025 USDC, exactly.
      expect(lockedByRebid).toEqual({ free: '4799.975000', locked: '100.025000' });
      expect(fired).toMatchObject({ status: 'open', price: 88, amount: 3, filled: 0, triggerPrice: 91 });
      expect(fired.info).toMatchObject({ type: 'STOP_LOSS_LIMIT', isWorking: true });
      expect((fired.info as { workingTime: number }).workingTime).toBeGreaterThan(0);
      expect(lockedWhenFired).toEqual({ free: '15.00000000', locked: '3.00000000' });
    } finally {
      await seller.cancelAllOrders('SOL/USDC').catch(() => undefined);
      await buyer.cancelAllOrders('SOL/USDC').catch(() => undefined);
      await seller.close();
      await buyer.close();
    }
  });
});

describe('binance (tiagosiebler)', () => {
  it('reads REST, gets the diff stream and its user data, and places over the WebSocket API', async () => {
    // Prepare
    const key = await funded({ SOL: '20', USDC: '5000' });
    const taker = await funded({ USDC: '5000' });
    const options = { api_key: key.apiKey, api_secret: key.secretKey, baseUrl: rest };
    const main = new MainClient(options);
    const takerRest = new MainClient({ api_key: taker.apiKey, api_secret: taker.secretKey, baseUrl: rest });
    const streams = new WebsocketClient({ ...options, wsUrl: `${ws}?path=` });
    const wsApi = new WebsocketAPIClient({ ...options, wsUrl: `${ws}?path=` });
    const events: Record<string, unknown>[] = [];
    streams.on('message', (data) => events.push(data as unknown as Record<string, unknown>));
    try {
      // Act
      const info = await main.getExchangeInfo({ symbol: 'SOLUSDC' });
      await streams.subscribeSpotUserDataStream();
      await streams.subscribe(['solusdc@depth@100ms'], 'main');
      const placed = await wsApi.submitNewSpotOrder({
        symbol: 'SOLUSDC',
        side: 'SELL',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '1',
        price: '130.00',
        // The SDK leaves the timestamp, which Binance requires, to the caller.
        timestamp: Date.now(),
      } as Parameters<typeof wsApi.submitNewSpotOrder>[0]);
      const filled = await takerRest.submitNewOrder({
        symbol: 'SOLUSDC',
        side: 'BUY',
        type: 'MARKET',
        quantity: 1,
      });
      await eventually(
        () => events.some((e) => e.e === 'executionReport' && e.X === 'FILLED'),
        'the fill as an executionReport',
      );
      await eventually(() => events.some((e) => e.e === 'outboundAccountPosition'), 'the balance event');
      const account = await main.getAccountInformation();
      // Assess
      expect(info.symbols.map((s) => s.symbol)).toEqual(['SOLUSDC']);
      expect(placed.result).toMatchObject({ symbol: 'SOLUSDC', status: 'NEW' });
      expect(filled).toMatchObject({ status: 'FILLED' });
      expect(events.some((e) => e.e === 'depthUpdate')).toBe(true);
      expect(account.balances.find((b) => b.asset === 'SOL')).toMatchObject({
        free: expect.stringMatching(/^19/),
      });
    } finally {
      streams.closeAll(true);
      await wsApi.getWSClient().closeAll(true);
    }
  });
});
