/**
 * Stop orders, OCO lists, amend and cancel-replace on `/api/v1`, the native face, end to
 * end: the handlers through the API Gateway emulator, the real engine service over
 * fauxqs, Redis read models and the DB processor's history in PostgreSQL.
 */
import { call, eventually, funded as fundedAccount, type TestKey } from './client.js';
import { startTradingStack, type TradingStack } from './stack.js';

let stack: TradingStack;
beforeAll(async () => {
  stack = await startTradingStack();
}, 120_000);
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

const funded = (deposits: Readonly<Record<string, string>>): Promise<TestKey> =>
  fundedAccount(stack.api, deposits);

const limit = (market: string, side: string, price: string, quantity: string) => ({
  market,
  side,
  type: 'LIMIT',
  timeInForce: 'GTC',
  price,
  quantity,
});

const post = (key: TestKey, path: string, body: Readonly<Record<string, unknown>>) =>
  call(stack.api, key, 'POST', path, {}, body);

/** One trade at `price` between two fresh accounts: the market's last price. */
async function tradeAt(market: string, price: string, quantity: string, base: string): Promise<void> {
  const seller = await funded({ [base]: quantity });
  const buyer = await funded({ USDC: '100000' });
  const sell = await post(seller, '/api/v1/order', limit(market, 'SELL', price, quantity));
  const buy = await post(buyer, '/api/v1/order', limit(market, 'BUY', price, quantity));
  expect([sell.status, buy.status, buy.body.order.status]).toEqual([200, 200, 'FILLED']);
}

describe('stop orders on POST /api/v1/order', () => {
  it('places a stop-limit that waits, refuses stop terms on a limit order and a stop that would trigger', async () => {
    // Prepare: the last price is 100.
    await tradeAt('SOL_USDC', '100.00', '1', 'SOL');
    const trader = await funded({ SOL: '2' });
    const stop = { ...limit('SOL_USDC', 'SELL', '94.00', '1'), type: 'STOP_LOSS_LIMIT', stopPrice: '95.00' };

    // Act
    const placed = await post(trader, '/api/v1/order', { ...stop, clientOrderId: 'native-stop' });
    const onLimit = await post(trader, '/api/v1/order', { ...stop, type: 'LIMIT' });
    const immediate = await post(trader, '/api/v1/order', { ...stop, stopPrice: '101.00' });
    const open = await call(stack.api, trader, 'GET', '/api/v1/orders', { market: 'SOL_USDC' });
    const balances = await call(stack.api, trader, 'GET', '/api/v1/balances');

    // Assess
    expect(placed.status).toBe(200);
    expect(placed.body.order).toMatchObject({
      clientOrderId: 'native-stop',
      orderType: 'STOP_LOSS_LIMIT',
      status: 'NEW',
      price: '94.00',
      stopPrice: '95.00',
      trailingDelta: 0,
      workingTime: -1,
      orderListId: -1,
    });
    expect(placed.body.fills).toEqual([]);
    expect([onLimit.status, onLimit.body.code]).toEqual([400, 'INVALID_COMMAND']);
    expect([immediate.status, immediate.body.code]).toEqual([400, 'WOULD_TRIGGER']);
    expect(open.body.orders).toEqual([
      expect.objectContaining({ orderId: placed.body.order.orderId, stopPrice: '95.00', workingTime: -1 }),
    ]);
    expect(balances.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'SOL', available: '1.00000000', locked: '1.00000000' }]),
    );
  });
});

describe('OCO lists on /api/v1/orderList', () => {
  it('places, lists, cancels and finds a list; names a leg’s missing field', async () => {
    // Prepare: the last price is 100.
    await tradeAt('ETH_USDC', '100.00', '1', 'ETH');
    const trader = await funded({ ETH: '1' });
    const oco = {
      market: 'ETH_USDC',
      side: 'SELL',
      quantity: '1',
      listClientOrderId: 'native-list',
      above: { type: 'LIMIT', postOnly: true, price: '110.00' },
      below: { type: 'STOP_LOSS_LIMIT', stopPrice: '90.00', price: '89.00', timeInForce: 'GTC' },
    };

    // Act
    const placed = await post(trader, '/api/v1/orderList', oco);
    const noPrice = await post(trader, '/api/v1/orderList', {
      ...oco,
      below: { type: 'STOP_LOSS_LIMIT', stopPrice: '90.00', timeInForce: 'GTC' },
    });
    const open = await call(stack.api, trader, 'GET', '/api/v1/orderLists', { market: 'ETH_USDC' });
    const balances = await call(stack.api, trader, 'GET', '/api/v1/balances');
    const canceled = await call(stack.api, trader, 'DELETE', '/api/v1/orderList', {
      market: 'ETH_USDC',
      orderListId: placed.body.orderList?.orderListId,
    });
    const again = await call(stack.api, trader, 'DELETE', '/api/v1/orderList', {
      market: 'ETH_USDC',
      orderListId: placed.body.orderList?.orderListId,
    });

    // Assess
    expect(placed.status).toBe(200);
    const listId = placed.body.orderList.orderListId;
    expect(placed.body.orderList).toMatchObject({
      orderListId: listId,
      listClientOrderId: 'native-list',
      market: 'ETH_USDC',
    });
    expect(placed.body.orderList.orders).toEqual([
      expect.objectContaining({ orderListId: listId, orderType: 'STOP_LOSS_LIMIT', workingTime: -1 }),
      expect.objectContaining({ orderListId: listId, orderType: 'LIMIT', postOnly: true, price: '110.00' }),
    ]);
    expect([noPrice.status, noPrice.body.code]).toEqual([400, 'INVALID_COMMAND']);
    expect(open.body.orderLists).toEqual([
      expect.objectContaining({ orderListId: listId, listClientOrderId: 'native-list' }),
    ]);
    // One lock covers both legs.
    expect(balances.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'ETH', available: '0.00000000', locked: '1.00000000' }]),
    );
    expect(canceled.status).toBe(200);
    expect(canceled.body.orderList.orders.map((o: { status: string }) => o.status)).toEqual([
      'CANCELED',
      'CANCELED',
    ]);
    expect([again.status, again.body.code]).toEqual([404, 'UNKNOWN_ORDER_LIST']);

    const found = await eventually(async () => {
      const r = await call(stack.api, trader, 'GET', '/api/v1/orderList', { orderListId: listId });
      return r.status === 200 &&
        r.body.orderList.orders.every((o: { status: string }) => o.status === 'CANCELED')
        ? r.body.orderList
        : undefined;
    }, 'the cancelled list in the history');
    expect(found.orders).toHaveLength(2);
    const byClientId = await call(stack.api, trader, 'GET', '/api/v1/orderList', {
      listClientOrderId: 'native-list',
    });
    expect(byClientId.body.orderList).toMatchObject({
      orderListId: listId,
      listClientOrderId: 'native-list',
    });
    const history = await call(stack.api, trader, 'GET', '/api/v1/orderLists/history');
    expect(history.body.orderLists).toEqual([
      expect.objectContaining({ orderListId: listId, listClientOrderId: 'native-list' }),
    ]);
    const unknown = await call(stack.api, trader, 'GET', '/api/v1/orderList', { listClientOrderId: 'nope' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_ORDER_LIST']);
  });
});

describe('amend and cancel-replace on /api/v1/order', () => {
  it('reduces a resting order in place and refuses an increase', async () => {
    const trader = await funded({ BTC: '1' });
    const order = await post(trader, '/api/v1/order', {
      ...limit('BTC_USDC', 'SELL', '50000.0', '0.2'),
      clientOrderId: 'native-amend',
    });

    const amended = await post(trader, '/api/v1/order/amend', {
      market: 'BTC_USDC',
      clientOrderId: 'native-amend',
      quantity: '0.1',
      newClientOrderId: 'native-amended',
    });
    const increase = await post(trader, '/api/v1/order/amend', {
      market: 'BTC_USDC',
      orderId: order.body.order.orderId,
      quantity: '0.3',
    });
    const balances = await call(stack.api, trader, 'GET', '/api/v1/balances');

    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({
      order: {
        orderId: order.body.order.orderId,
        clientOrderId: 'native-amended',
        quantity: '0.10000',
        status: 'NEW',
      },
      orderList: [],
    });
    expect([increase.status, increase.body.code]).toEqual([400, 'QUANTITY_INCREASE']);
    expect(balances.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'BTC', available: '0.90000000', locked: '0.10000000' }]),
    );
  });

  it('answers both halves, one half, and refuses when neither half succeeded', async () => {
    const trader = await funded({ BTC: '1' });
    const first = await post(trader, '/api/v1/order', limit('BTC_USDC', 'SELL', '60000.0', '0.1'));
    const replace = { ...limit('BTC_USDC', 'SELL', '61000.0', '0.1'), mode: 'STOP_ON_FAILURE' };
    const cancelOrderId = first.body.order.orderId;

    const both = await post(trader, '/api/v1/order/cancelReplace', { ...replace, cancelOrderId });
    const stopped = await post(trader, '/api/v1/order/cancelReplace', { ...replace, cancelOrderId });
    const allowed = await post(trader, '/api/v1/order/cancelReplace', {
      ...replace,
      mode: 'ALLOW_FAILURE',
      cancelOrderId,
      price: '62000.0',
    });
    const open = await call(stack.api, trader, 'GET', '/api/v1/orders', { market: 'BTC_USDC' });

    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({
      cancel: { status: 'SUCCESS', orders: [{ orderId: cancelOrderId, status: 'CANCELED' }] },
      newOrder: { status: 'SUCCESS', order: { price: '61000.0', status: 'NEW' }, fills: [] },
    });
    expect([stopped.status, stopped.body.code]).toEqual([404, 'UNKNOWN_ORDER']);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      cancel: { status: 'FAILURE', error: { code: 'UNKNOWN_ORDER' } },
      newOrder: { status: 'SUCCESS', order: { price: '62000.0', status: 'NEW' } },
    });
    expect(open.body.orders.map((o: { price: string }) => o.price)).toEqual(['61000.0', '62000.0']);
  });
});
