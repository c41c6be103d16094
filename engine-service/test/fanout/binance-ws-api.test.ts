/**
 * Integration: Binance's WebSocket API, listen keys and the user data stream through
 * the real stack — the WebSocket emulator serving `WS_ROUTES`, the REST emulator serving
 * `HTTP_ROUTES`, the engine, the DB processor and the fan-out — with requests signed as
 * Binance documents them.
 */
import { createHmac } from 'node:crypto';
import type { HttpApi } from '@exchange/localstack';
import { StreamClient } from './stream-client.js';
import { startWsStack, type WsStack } from './ws-stack.js';

interface TestKey {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
}

let stack: WsStack;
let rest: HttpApi;
const clients: StreamClient[] = [];

beforeAll(async () => {
  stack = await startWsStack({ rest: true });
  rest = stack.rest as HttpApi;
}, 120_000);
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  expect(stack.problems).toEqual([]);
});
afterAll(() => stack.close());

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
let nonce = 0;

/** A signed REST call as Binance clients make it (query then body signed, `X-MBX-APIKEY`). */
async function signedRest(
  key: TestKey,
  method: string,
  path: string,
  params: Readonly<Record<string, string>> = {},
  json?: Readonly<Record<string, unknown>>,
) {
  const query = new URLSearchParams(params);
  query.set('recvWindow', String(50_000 + (nonce++ % 10_000)));
  query.set('timestamp', String(Date.now()));
  const body = json === undefined ? undefined : JSON.stringify(json);
  const signature = hmac(key.secretKey, query.toString() + (body ?? ''));
  const response = await fetch(`${rest.url}${path}?${query}&signature=${signature}`, {
    method,
    headers: {
      'X-MBX-APIKEY': key.apiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}

/** A listen-key call (`X-MBX-APIKEY`, no signature). */
async function userDataStream(apiKey: string, method: string, listenKey?: string) {
  const query = listenKey === undefined ? '' : `?listenKey=${listenKey}`;
  const response = await fetch(`${rest.url}/api/v3/userDataStream${query}`, {
    method,
    headers: { 'X-MBX-APIKEY': apiKey },
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  return { status: response.status, body: (await response.json()) as any };
}

async function account(permissions = ['read', 'trade', 'manageKeys']): Promise<TestKey> {
  const response = await fetch(`${rest.url}/api/v1/accounts`, {
    method: 'POST',
    body: JSON.stringify({ permissions }),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as TestKey;
}

async function funded(deposits: Readonly<Record<string, string>>): Promise<TestKey> {
  const key = await account();
  for (const [asset, amount] of Object.entries(deposits)) {
    expect((await signedRest(key, 'POST', '/api/v1/onramp', {}, { asset, amount })).status).toBe(200);
  }
  return key;
}

/** Binance's WebSocket API signing: every parameter but `signature`, sorted, `k=v` joined by `&`. */
function signedParams(key: TestKey, params: Readonly<Record<string, string>>): Record<string, string> {
  const all: Record<string, string> = {
    ...params,
    apiKey: key.apiKey,
    recvWindow: String(50_000 + (nonce++ % 10_000)),
    timestamp: String(Date.now()),
  };
  const text = Object.keys(all)
    .sort()
    .map((name) => `${name}=${all[name]}`)
    .join('&');
  return { ...all, signature: hmac(key.secretKey, text) };
}

async function connect(path = ''): Promise<StreamClient> {
  const client = await StreamClient.connect(
    path === '' ? stack.api.url : `${stack.api.url}?path=${encodeURIComponent(path)}`,
  );
  clients.push(client);
  return client;
}

const limit = (side: string, price: string, quantity: string) => ({
  symbol: 'SOLUSDC',
  side,
  type: 'LIMIT',
  timeInForce: 'GTC',
  price,
  quantity,
});

/** The user data events a client received (raw, or inside WebSocket API subscription frames). */
function events(client: StreamClient, type: string): Record<string, unknown>[] {
  return client.messages
    .map((m) => (m.subscriptionId === undefined ? m : (m.event as Record<string, unknown>)))
    .filter((m) => m.e === type) as Record<string, unknown>[];
}

async function eventually(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the WebSocket API: public methods', () => {
  it('answers ping, time, exchangeInfo and depth as the REST API does, with Binance’s frame', async () => {
    // Prepare
    const client = await connect('/ws-api/v3');
    // Act
    const ping = await client.call('ping');
    const time = await client.call('time');
    const info = await client.call('exchangeInfo', { symbol: 'SOLUSDC' });
    const depth = await client.call('depth', { symbol: 'SOLUSDC', limit: 5 });
    const restDepth = await (await fetch(`${rest.url}/api/v3/depth?symbol=SOLUSDC&limit=5`)).json();
    // Assess
    expect(ping).toEqual({ id: ping.id, status: 200, result: {}, rateLimits: [] });
    expect(time.result).toEqual({ serverTime: expect.any(Number) });
    expect((info.result as { symbols: { symbol: string }[] }).symbols.map((s) => s.symbol)).toEqual([
      'SOLUSDC',
    ]);
    expect(depth.result).toEqual(restDepth);
  });

  it('answers bad requests with Binance’s codes and keeps the connection open', async () => {
    // Prepare
    const client = await connect('/ws-api/v3');
    // Act
    const badSymbol = await client.call('depth', { symbol: 'NOPE' });
    const missing = await client.call('depth', {});
    client.socket.send(JSON.stringify({ id: 'x1', method: 'depth', params: { symbol: { a: 1 } } }));
    const badParam = await client.waitFor((m) => m.id === 'x1');
    const after = await client.call('ping');
    // Assess
    expect(badSymbol).toMatchObject({ status: 400, error: { code: -1121, msg: 'Invalid symbol.' } });
    expect(missing).toMatchObject({ status: 400, error: { code: -1102 } });
    expect(badParam).toMatchObject({ status: 400, error: { code: expect.any(Number) } });
    expect(after.status).toBe(200);
  });
});

describe('the WebSocket API: signed methods', () => {
  it('places, queries and cancels an order and reads the account, signed per request', async () => {
    // Prepare
    const key = await funded({ SOL: '10' });
    const client = await connect('/ws-api/v3');
    // Act
    const placed = await client.call('order.place', signedParams(key, limit('SELL', '150.00', '1')));
    const orderId = String((placed.result as { orderId: number }).orderId);
    const status = await client.call('order.status', signedParams(key, { symbol: 'SOLUSDC', orderId }));
    const open = await client.call('openOrders.status', signedParams(key, { symbol: 'SOLUSDC' }));
    const canceled = await client.call('order.cancel', signedParams(key, { symbol: 'SOLUSDC', orderId }));
    const accountStatus = await client.call('account.status', signedParams(key, {}));
    // Assess
    expect(placed).toMatchObject({ status: 200, result: { symbol: 'SOLUSDC', status: 'NEW', side: 'SELL' } });
    expect(status).toMatchObject({ status: 200, result: { orderId: Number(orderId), price: '150.00' } });
    expect((open.result as { orderId: number }[]).map((o) => o.orderId)).toEqual([Number(orderId)]);
    expect(canceled).toMatchObject({ status: 200, result: { orderId: Number(orderId), status: 'CANCELED' } });
    const sol = (
      accountStatus.result as { balances: { asset: string; free: string; locked: string }[] }
    ).balances.find((b) => b.asset === 'SOL');
    expect(sol).toMatchObject({
      free: expect.stringMatching(/^10(\.0+)?$/),
      locked: expect.stringMatching(/^0(\.0+)?$/),
    });
  });

  it.each([
    ['a wrong signature', (p: Record<string, string>) => ({ ...p, signature: 'ab'.repeat(32) }), -1022],
    ['no signature', ({ signature: _s, ...p }: Record<string, string>) => p, -1102],
    ['no API key', ({ apiKey: _k, ...p }: Record<string, string>) => p, -1102],
    ['an unknown API key', (p: Record<string, string>) => ({ ...p, apiKey: 'A'.repeat(64) }), -2015],
    ['a stale timestamp', (p: Record<string, string>) => ({ ...p, timestamp: '1000' }), -1021],
  ])('refuses %s with Binance’s code', async (_, spoil, code) => {
    // Prepare
    const key = await account();
    const client = await connect();
    // Act
    const answer = await client.call('account.status', spoil(signedParams(key, {})));
    // Assess
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.error).toMatchObject({ code });
  });

  it('accepts a signature once, and refuses trading to a key without trade', async () => {
    // Prepare
    const reader = await account(['read']);
    const client = await connect();
    const params = signedParams(reader, {});
    // Act
    const first = await client.call('account.status', params);
    const replay = await client.call('account.status', params);
    const order = await client.call('order.place', signedParams(reader, limit('BUY', '1.00', '1')));
    // Assess
    expect(first.status).toBe(200);
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect(order.status).toBeGreaterThanOrEqual(400);
    expect(order.status).toBeLessThan(500);
  });
});

describe('the WebSocket API: conditional orders, order lists, amend and cancel-replace', () => {
  /** BTCUSDC, which no other test trades: one trade at 50000.0 sets the last price stops compare with. */
  const btc = (side: string, type: string, fields: Readonly<Record<string, string>>) => ({
    symbol: 'BTCUSDC',
    side,
    type,
    ...fields,
  });
  let seller: TestKey;
  let client: StreamClient;

  beforeAll(async () => {
    seller = await funded({ BTC: '1' });
    const buyer = await funded({ USDC: '1000' });
    const sell = btc('SELL', 'LIMIT', { timeInForce: 'GTC', price: '50000.0', quantity: '0.001' });
    expect((await signedRest(seller, 'POST', '/api/v3/order', sell)).body.status).toBe('NEW');
    const buy = btc('BUY', 'MARKET', { quantity: '0.001' });
    expect((await signedRest(buyer, 'POST', '/api/v3/order', buy)).body.status).toBe('FILLED');
  });
  beforeEach(async () => {
    client = await connect('/ws-api/v3');
  });

  it('places a stop-limit with order.place, and refuses one that would trigger at once', async () => {
    // Act
    const stop = btc('SELL', 'STOP_LOSS_LIMIT', {
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '49000.0',
      stopPrice: '49500.0',
    });
    const placed = await client.call('order.place', signedParams(seller, stop));
    const triggering = await client.call(
      'order.place',
      signedParams(seller, { ...stop, price: '50400.0', stopPrice: '50500.0' }),
    );
    const orderId = String((placed.result as { orderId: number }).orderId);
    const status = await client.call('order.status', signedParams(seller, { symbol: 'BTCUSDC', orderId }));
    await client.call('order.cancel', signedParams(seller, { symbol: 'BTCUSDC', orderId }));
    // Assess
    expect(placed).toMatchObject({
      status: 200,
      result: { symbol: 'BTCUSDC', type: 'STOP_LOSS_LIMIT', status: 'NEW', orderListId: -1 },
    });
    expect(status.result).toMatchObject({ stopPrice: '49500.0', workingTime: -1, isWorking: false });
    expect(triggering).toMatchObject({
      status: 400,
      error: { code: -2010, msg: 'Order would trigger immediately.' },
    });
  });

  it('places an OCO with orderList.place.oco, finds it, and cancels it with orderList.cancel', async () => {
    // Prepare
    const oco = {
      symbol: 'BTCUSDC',
      side: 'SELL',
      quantity: '0.001',
      aboveType: 'LIMIT_MAKER',
      abovePrice: '52000.0',
      belowType: 'STOP_LOSS_LIMIT',
      belowPrice: '48000.0',
      belowStopPrice: '48500.0',
      belowTimeInForce: 'GTC',
    };
    // Act
    const placed = await client.call('orderList.place.oco', signedParams(seller, oco));
    const orderListId = String((placed.result as { orderListId: number }).orderListId);
    const status = await client.call('orderList.status', signedParams(seller, { orderListId }));
    const open = await client.call('openOrderLists.status', signedParams(seller, {}));
    const reversed = await client.call(
      'orderList.place.oco',
      signedParams(seller, {
        ...oco,
        abovePrice: '48000.0',
        belowPrice: '52000.0',
        belowStopPrice: '52500.0',
      }),
    );
    const canceled = await client.call(
      'orderList.cancel',
      signedParams(seller, { symbol: 'BTCUSDC', orderListId }),
    );
    const openAfter = await client.call('openOrderLists.status', signedParams(seller, {}));
    const all = await client.call('allOrderLists', signedParams(seller, {}));
    const again = await client.call(
      'orderList.cancel',
      signedParams(seller, { symbol: 'BTCUSDC', orderListId }),
    );
    // Assess
    expect(placed).toMatchObject({
      status: 200,
      result: { contingencyType: 'OCO', listOrderStatus: 'EXECUTING', symbol: 'BTCUSDC' },
    });
    // The below leg first, as in Binance's examples.
    const reports = (placed.result as { orderReports: Record<string, unknown>[] }).orderReports;
    expect(reports.map((r) => [r.type, r.status, r.orderListId])).toEqual([
      ['STOP_LOSS_LIMIT', 'NEW', Number(orderListId)],
      ['LIMIT_MAKER', 'NEW', Number(orderListId)],
    ]);
    expect(status.result).toMatchObject({ orderListId: Number(orderListId), listOrderStatus: 'EXECUTING' });
    expect((open.result as { orderListId: number }[]).map((l) => l.orderListId)).toEqual([
      Number(orderListId),
    ]);
    expect(reversed.status).toBe(400);
    expect(reversed.error).toMatchObject({ code: expect.any(Number) });
    expect(canceled).toMatchObject({ status: 200, result: { listOrderStatus: 'ALL_DONE' } });
    const canceledReports = (canceled.result as { orderReports: { status: string }[] }).orderReports;
    expect(canceledReports.map((r) => r.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(openAfter.result).toEqual([]);
    expect((all.result as { orderListId: number }[]).map((l) => l.orderListId)).toContain(
      Number(orderListId),
    );
    expect(again.status).toBe(400);
    expect(again.error).toMatchObject({ code: expect.any(Number), msg: expect.any(String) });
  });

  it('amends with order.amend.keepPriority and replaces with order.cancelReplace, with Binance’s codes', async () => {
    // Prepare
    const resting = btc('SELL', 'LIMIT', { timeInForce: 'GTC', price: '60000.0', quantity: '0.002' });
    const placed = await client.call('order.place', signedParams(seller, resting));
    const orderId = String((placed.result as { orderId: number }).orderId);
    // Act
    const amended = await client.call(
      'order.amend.keepPriority',
      signedParams(seller, { symbol: 'BTCUSDC', orderId, newQty: '0.001' }),
    );
    const increased = await client.call(
      'order.amend.keepPriority',
      signedParams(seller, { symbol: 'BTCUSDC', orderId, newQty: '0.005' }),
    );
    const replacement = btc('SELL', 'LIMIT', { timeInForce: 'GTC', price: '61000.0', quantity: '0.001' });
    const replaced = await client.call(
      'order.cancelReplace',
      signedParams(seller, { ...replacement, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: orderId }),
    );
    const failed = await client.call(
      'order.cancelReplace',
      signedParams(seller, { ...replacement, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: orderId }),
    );
    const newOrderId = String(
      ((replaced.result as { newOrderResponse: { orderId: number } }).newOrderResponse ?? { orderId: 0 })
        .orderId,
    );
    const open = await client.call('openOrders.status', signedParams(seller, { symbol: 'BTCUSDC' }));
    await client.call('order.cancel', signedParams(seller, { symbol: 'BTCUSDC', orderId: newOrderId }));
    // Assess
    expect(amended).toMatchObject({
      status: 200,
      result: { amendedOrder: { orderId: Number(orderId), status: 'NEW', qty: '0.00100' } },
    });
    expect(increased).toMatchObject({
      status: 400,
      error: { code: -2038, msg: 'Order amend (quantity increase) is not supported.' },
    });
    expect(replaced).toMatchObject({
      status: 200,
      result: {
        cancelResult: 'SUCCESS',
        newOrderResult: 'SUCCESS',
        cancelResponse: { orderId: Number(orderId), status: 'CANCELED' },
        newOrderResponse: { status: 'NEW', price: '61000.0' },
      },
    });
    expect(failed).toMatchObject({
      status: 400,
      error: {
        code: -2022,
        msg: 'Order cancel-replace failed.',
        data: { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', newOrderResponse: null },
      },
    });
    expect((open.result as { orderId: number }[]).map((o) => o.orderId)).toEqual([Number(newOrderId)]);
  });
});

describe('listen keys and the user data stream', () => {
  it('creates one key per account, keeps it alive, closes it, and answers -1125 for an unknown one', async () => {
    // Prepare
    const key = await account();
    // Act
    const created = await userDataStream(key.apiKey, 'POST');
    const again = await userDataStream(key.apiKey, 'POST');
    const listenKey = created.body.listenKey as string;
    await stack.redis.pexpire(stack.ws.listenKey(listenKey), 60_000);
    const kept = await userDataStream(key.apiKey, 'PUT', listenKey);
    const ttl = await stack.redis.pttl(stack.ws.listenKey(listenKey));
    const closed = await userDataStream(key.apiKey, 'DELETE', listenKey);
    const unknown = await userDataStream(key.apiKey, 'PUT', listenKey);
    const noKey = await fetch(`${rest.url}/api/v3/userDataStream`, { method: 'POST' });
    // Assess
    expect(created).toEqual({ status: 200, body: { listenKey: expect.stringMatching(/^[A-Za-z0-9]{60}$/) } });
    expect(again.body.listenKey).toBe(listenKey);
    expect(kept).toEqual({ status: 200, body: {} });
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(closed).toEqual({ status: 200, body: {} });
    expect(unknown).toEqual({ status: 400, body: { code: -1125, msg: 'This listenKey does not exist.' } });
    expect(noKey.status).toBe(401);
  });

  it('sends executionReport and balance events to /ws/<listenKey> and to a WebSocket API subscription', async () => {
    // Prepare
    const maker = await funded({ SOL: '5' });
    const taker = await account();
    const { listenKey } = (await userDataStream(taker.apiKey, 'POST')).body as { listenKey: string };
    const raw = await connect(`/ws/${listenKey}`);
    const api = await connect('/ws-api/v3');
    const subscribed = await api.call('userDataStream.subscribe.signature', signedParams(maker, {}));
    const listed = await api.call('session.subscriptions');
    // Act
    expect(
      (await signedRest(taker, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: '500' })).status,
    ).toBe(200);
    await raw.waitFor((m) => m.e === 'balanceUpdate');
    const sell = await signedRest(maker, 'POST', '/api/v3/order', limit('SELL', '100.00', '2'));
    const buy = await signedRest(taker, 'POST', '/api/v3/order', limit('BUY', '100.00', '2'));
    await eventually(() => events(raw, 'executionReport').some((e) => e.x === 'TRADE'), 'the taker’s fill');
    await eventually(() => events(api, 'executionReport').some((e) => e.x === 'TRADE'), 'the maker’s fill');
    // Assess
    expect(sell.status).toBe(200);
    expect(buy.status).toBe(200);
    expect(subscribed).toMatchObject({ status: 200, result: { subscriptionId: 0 } });
    expect(listed.result).toEqual([{ subscriptionId: 0 }]);
    expect(events(raw, 'balanceUpdate')[0]).toMatchObject({
      a: 'USDC',
      d: expect.stringMatching(/^500(\.0+)?$/),
    });
    const fill = events(raw, 'executionReport').find((e) => e.x === 'TRADE');
    expect(fill).toMatchObject({ s: 'SOLUSDC', S: 'BUY', X: 'FILLED', l: '2.000', L: '100.00', m: false });
    expect(fill?.N).toEqual(expect.any(String));
    const makerReports = events(api, 'executionReport').map((e) => `${e.x}/${e.X}`);
    expect(makerReports).toEqual(['NEW/NEW', 'TRADE/FILLED']);
    await eventually(() => events(raw, 'outboundAccountPosition').length >= 2, 'the taker’s balances');
    expect(
      api.messages.filter((m) => m.subscriptionId !== undefined).every((m) => m.subscriptionId === 0),
    ).toBe(true);
    // The subscription ends on unsubscribe.
    expect((await api.call('userDataStream.unsubscribe')).status).toBe(200);
    expect((await api.call('session.subscriptions')).result).toEqual([]);
  });

  it('sends listenKeyExpired when the key expires, and ends that stream only', async () => {
    // Prepare
    const key = await account();
    const { listenKey } = (await userDataStream(key.apiKey, 'POST')).body as { listenKey: string };
    const raw = await connect(`/ws/${listenKey}/solusdc@trade`);
    const combined = await connect(`/stream?streams=${listenKey}`);
    const before = await raw.request('LIST_SUBSCRIPTIONS');
    // Act: the key's 60 minutes run out.
    await stack.redis.pexpire(stack.ws.listenKey(listenKey), 1);
    const expired = await raw.waitFor((m) => m.e === 'listenKeyExpired');
    const wrapped = await combined.waitFor((m) => m.stream === listenKey);
    const after = await raw.request('LIST_SUBSCRIPTIONS');
    // Assess
    expect(before.result).toEqual(['account', 'solusdc@trade']);
    expect(expired).toEqual({ e: 'listenKeyExpired', E: expect.any(Number), listenKey });
    expect(wrapped.data).toEqual({ e: 'listenKeyExpired', E: expect.any(Number), listenKey });
    expect(after.result).toEqual(['solusdc@trade']);
    expect(raw.messages.filter((m) => m.e === 'listenKeyExpired')).toHaveLength(1);
  });

  it('wraps user data events as {"stream":<listenKey>,"data":…} on a /stream connection', async () => {
    // Prepare
    const key = await account();
    const { listenKey } = (await userDataStream(key.apiKey, 'POST')).body as { listenKey: string };
    const combined = await connect(`/stream?streams=${listenKey}/solusdc@trade`);
    const raw = await connect(`/ws/${listenKey}`);
    const data = (m: Record<string, unknown>) => (m.data ?? {}) as Record<string, unknown>;
    // Act
    const deposit = await signedRest(key, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: '50' });
    const order = await signedRest(key, 'POST', '/api/v3/order', limit('BUY', '1.00', '1'));
    const balance = await combined.waitFor((m) => m.stream === listenKey && data(m).e === 'balanceUpdate');
    const report = await combined.waitFor((m) => m.stream === listenKey && data(m).e === 'executionReport');
    const rawBalance = await raw.waitFor((m) => m.e === 'balanceUpdate');
    const rawReport = await raw.waitFor((m) => m.e === 'executionReport');
    await eventually(
      () => combined.messages.filter((m) => data(m).e === 'outboundAccountPosition').length >= 2,
      'the balances after the deposit and the order',
    );
    const subscriptions = await combined.request('LIST_SUBSCRIPTIONS');
    await signedRest(key, 'DELETE', '/api/v3/order', {
      symbol: 'SOLUSDC',
      orderId: String(order.body.orderId),
    });
    // Assess
    expect(deposit.status).toBe(200);
    expect(order.body.status).toBe('NEW');
    expect(balance.data).toEqual(rawBalance);
    expect(report.data).toEqual(rawReport);
    expect(data(report)).toMatchObject({ x: 'NEW', X: 'NEW', S: 'BUY', s: 'SOLUSDC' });
    expect(combined.messages.filter((m) => m.e !== undefined)).toEqual([]);
    expect(
      combined.messages
        .filter((m) => m.id === undefined)
        .every((m) => [listenKey, 'solusdc@trade'].includes(m.stream as string)),
    ).toBe(true);
    expect(subscriptions.result).toEqual(expect.arrayContaining(['account', 'solusdc@trade']));
  });

  it('refuses a connection with an unknown listen key', async () => {
    await expect(connect(`/ws/${'a'.repeat(60)}`)).rejects.toThrow('refused with 400');
  });
});

describe('REST gaps and their WebSocket API methods', () => {
  it('answers avgPrice and the rolling ticker exactly, the same on REST and the WebSocket API', async () => {
    // Prepare: two trades on ETHUSDC (no other test trades it), 1 @ 200.00 and 3 @ 201.00.
    const maker = await funded({ ETH: '10' });
    const taker = await funded({ USDC: '2000' });
    await signedRest(maker, 'POST', '/api/v3/order', { ...limit('SELL', '200.00', '1'), symbol: 'ETHUSDC' });
    await signedRest(maker, 'POST', '/api/v3/order', { ...limit('SELL', '201.00', '3'), symbol: 'ETHUSDC' });
    const bought = await signedRest(taker, 'POST', '/api/v3/order', {
      symbol: 'ETHUSDC',
      side: 'BUY',
      type: 'MARKET',
      quantity: '4',
    });
    expect(bought.body.status).toBe('FILLED');
    const client = await connect('/ws-api/v3');
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
    const get = async (path: string): Promise<any> => (await fetch(`${rest.url}${path}`)).json();
    // The DB processor writes the trades asynchronously.
    let average: { mins: number; price: string; closeTime: number } = { mins: 0, price: '', closeTime: 0 };
    for (let i = 0; i < 100 && average.price !== '200.75000000'; i++) {
      average = await get('/api/v3/avgPrice?symbol=ETHUSDC');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Act
    const overWs = await client.call('avgPrice', { symbol: 'ETHUSDC' });
    const ticker = await get('/api/v3/ticker?symbol=ETHUSDC&windowSize=1h');
    const mini = await get('/api/v3/ticker?symbols=%5B%22ETHUSDC%22%5D&type=MINI');
    const tickerWs = await client.call('ticker', { symbol: 'ETHUSDC', windowSize: '1h' });
    const badWindow = await get('/api/v3/ticker?symbol=ETHUSDC&windowSize=8d');
    const noSymbol = await get('/api/v3/ticker');
    // Assess: (200×1 + 201×3) / 4 = 200.75
    expect(average).toEqual({ mins: 5, price: '200.75000000', closeTime: expect.any(Number) });
    expect(overWs.result).toEqual(average);
    expect(Object.keys(ticker)).toEqual([
      'symbol',
      'priceChange',
      'priceChangePercent',
      'weightedAvgPrice',
      'openPrice',
      'highPrice',
      'lowPrice',
      'lastPrice',
      'volume',
      'quoteVolume',
      'openTime',
      'closeTime',
      'firstId',
      'lastId',
      'count',
    ]);
    expect(ticker).toMatchObject({
      symbol: 'ETHUSDC',
      openPrice: '200.00',
      highPrice: '201.00',
      lastPrice: '201.00',
      priceChange: '1.00',
      weightedAvgPrice: '200.75000000',
      count: 2,
    });
    expect(ticker.closeTime - ticker.openTime).toBeLessThanOrEqual(60 * 60_000);
    expect(mini).toEqual([expect.objectContaining({ symbol: 'ETHUSDC', lastPrice: '201.00', count: 2 })]);
    expect(mini[0].priceChange).toBeUndefined();
    expect(tickerWs.result).toMatchObject({ symbol: 'ETHUSDC', weightedAvgPrice: '200.75000000' });
    expect(badWindow.code).toBeLessThan(0);
    expect(noSymbol.code).toBe(-1102);
  });

  it('serves the /sapi subset: status, fees, deposit address, withdrawals', async () => {
    // Prepare
    const response = await fetch(`${rest.url}/api/v1/accounts`, {
      method: 'POST',
      body: JSON.stringify({ permissions: ['read', 'trade', 'withdraw'] }),
      headers: { 'content-type': 'application/json' },
    });
    const key = (await response.json()) as TestKey;
    expect(
      (await signedRest(key, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: '100' })).status,
    ).toBe(200);
    // Act
    const status = await (await fetch(`${rest.url}/sapi/v1/system/status`)).json();
    const fees = await signedRest(key, 'GET', '/sapi/v1/asset/tradeFee', { symbol: 'SOLUSDC' });
    const address = await signedRest(key, 'GET', '/sapi/v1/capital/deposit/address', { coin: 'USDC' });
    const again = await signedRest(key, 'GET', '/sapi/v1/capital/deposit/address', { coin: 'USDC' });
    const unknownCoin = await signedRest(key, 'GET', '/sapi/v1/capital/deposit/address', { coin: 'NOPE' });
    const applied = await signedRest(key, 'POST', '/sapi/v1/capital/withdraw/apply', {
      coin: 'USDC',
      address: 'dest-1',
      amount: '25',
      withdrawOrderId: 'w-1',
    });
    const tooMuch = await signedRest(key, 'POST', '/sapi/v1/capital/withdraw/apply', {
      coin: 'USDC',
      address: 'dest-1',
      amount: '1000',
    });
    const history = await signedRest(key, 'GET', '/sapi/v1/capital/withdraw/history', { coin: 'USDC' });
    // Assess
    expect(status).toEqual({ status: 0, msg: 'normal' });
    expect(fees).toEqual({
      status: 200,
      body: [{ symbol: 'SOLUSDC', makerCommission: '0.001', takerCommission: '0.002' }],
    });
    expect(address.body).toEqual({
      address: expect.stringMatching(/^local-[0-9a-f]{40}$/),
      coin: 'USDC',
      tag: '',
      url: '',
    });
    expect(again.body.address).toBe(address.body.address);
    expect(unknownCoin.status).toBe(400);
    expect(applied).toEqual({ status: 200, body: { id: expect.any(String) } });
    expect(tooMuch).toMatchObject({ status: 400, body: { code: -2010 } });
    const mine = (history.body as { id: string }[]).find((w) => w.id === applied.body.id);
    expect(mine).toMatchObject({
      amount: expect.stringMatching(/^25(\.0+)?$/),
      coin: 'USDC',
      status: 4,
      address: 'dest-1',
      withdrawOrderId: 'w-1',
      transactionFee: '0',
      applyTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });
});

describe('revoking a key', () => {
  it('closes the connections it opened with its listen key or subscribed with, and leaves others open', async () => {
    // Prepare
    const owner = await account();
    const { body } = await signedRest(owner, 'POST', '/api/v1/keys', {}, { permissions: ['read'] });
    const doomed = body as TestKey;
    const { listenKey } = (await userDataStream(doomed.apiKey, 'POST')).body as { listenKey: string };
    const listening = await connect(`/ws/${listenKey}`);
    const subscribed = await connect('/ws-api/v3');
    expect(
      (
        await subscribed.call(
          'userDataStream.subscribe.signature',
          signedParams({ ...doomed, accountId: owner.accountId }, {}),
        )
      ).status,
    ).toBe(200);
    const bystander = await connect('/ws/solusdc@trade');
    // Act
    const revoked = await signedRest(owner, 'DELETE', '/api/v1/keys', { apiKey: doomed.apiKey });
    // Assess
    expect(revoked.status).toBe(200);
    await listening.closed();
    await subscribed.closed();
    expect((await bystander.request('LIST_SUBSCRIPTIONS')).result).toEqual(['solusdc@trade']);
  });
});
