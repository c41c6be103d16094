/**
 * Stop orders, OCO lists, amend keep priority and cancel-replace end to end: the
 * `/api/v3` handlers through the API Gateway emulator, the real engine service
 * (journal, apply, reply) over fauxqs, Redis read models, and the DB processor's
 * order history in PostgreSQL.
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

const limit = (symbol: string, side: string, price: string, quantity: string) => ({
  symbol,
  side,
  type: 'LIMIT',
  timeInForce: 'GTC',
  price,
  quantity,
});

/** One trade at `price` between two fresh accounts: the market's last price. */
async function tradeAt(symbol: string, price: string, quantity: string, base: string): Promise<void> {
  const seller = await funded({ [base]: quantity });
  const buyer = await funded({ USDC: '100000' });
  const sell = await call(stack.api, seller, 'POST', '/api/v3/order', limit(symbol, 'SELL', price, quantity));
  const buy = await call(stack.api, buyer, 'POST', '/api/v3/order', limit(symbol, 'BUY', price, quantity));
  expect([sell.status, buy.status, buy.body.status]).toEqual([200, 200, 'FILLED']);
}

describe('stop-loss limit on /api/v3/order', () => {
  it('waits with funds locked, refuses a stop that would trigger, fires on the last price', async () => {
    // Prepare: the last price is 100.
    await tradeAt('SOLUSDC', '100.00', '1', 'SOL');
    const trader = await funded({ SOL: '2' });

    // Act
    const stop = await call(stack.api, trader, 'POST', '/api/v3/order', {
      ...limit('SOLUSDC', 'SELL', '94.00', '1'),
      type: 'STOP_LOSS_LIMIT',
      stopPrice: '95.00',
      newClientOrderId: 'stop-1',
    });
    const immediate = await call(stack.api, trader, 'POST', '/api/v3/order', {
      ...limit('SOLUSDC', 'SELL', '100.00', '1'),
      type: 'STOP_LOSS_LIMIT',
      stopPrice: '101.00',
    });
    const noStop = await call(stack.api, trader, 'POST', '/api/v3/order', {
      ...limit('SOLUSDC', 'SELL', '100.00', '1'),
      type: 'STOP_LOSS_LIMIT',
    });
    const badDelta = await call(stack.api, trader, 'POST', '/api/v3/order', {
      symbol: 'SOLUSDC',
      side: 'SELL',
      type: 'STOP_LOSS',
      quantity: '1',
      trailingDelta: 5,
    });
    const open = await call(stack.api, trader, 'GET', '/api/v3/openOrders', { symbol: 'SOLUSDC' });
    const waiting = await call(stack.api, trader, 'GET', '/api/v3/account');

    // Assess
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({
      orderListId: -1,
      clientOrderId: 'stop-1',
      type: 'STOP_LOSS_LIMIT',
      status: 'NEW',
      stopPrice: '95.00',
      price: '94.00',
      workingTime: -1,
    });
    expect([immediate.status, immediate.body.code, immediate.body.msg]).toEqual([
      400,
      -2010,
      'Order would trigger immediately.',
    ]);
    expect([noStop.status, noStop.body.code]).toEqual([400, -1102]);
    expect([badDelta.status, badDelta.body.code, badDelta.body.msg]).toEqual([
      400,
      -1013,
      'Filter failure: TRAILING_DELTA',
    ]);
    expect(open.body).toEqual([
      expect.objectContaining({ orderId: stop.body.orderId, isWorking: false, stopPrice: '95.00' }),
    ]);
    expect(waiting.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'SOL', free: '1.00000000', locked: '1.00000000' }]),
    );

    // A bid at 94 for the stop to sell into, then a trade at 95 fires it.
    const bidder = await funded({ USDC: '1000' });
    await call(stack.api, bidder, 'POST', '/api/v3/order', limit('SOLUSDC', 'BUY', '94.00', '1'));
    await tradeAt('SOLUSDC', '95.00', '0.5', 'SOL');
    // An ended order leaves the Redis read model at once and reaches the history through the
    // DB processor: GET order waits (bounded) for the history to show the end, never answers NEW.
    const fired = await call(stack.api, trader, 'GET', '/api/v3/order', {
      symbol: 'SOLUSDC',
      origClientOrderId: 'stop-1',
    });
    expect(fired.body).toMatchObject({ type: 'STOP_LOSS_LIMIT', status: 'FILLED', executedQty: '1.000' });
    expect(fired.body.workingTime).toBeGreaterThan(0);

    // The history keeps the stop terms.
    const history = await eventually(async () => {
      const r = await call(stack.api, trader, 'GET', '/api/v3/allOrders', { symbol: 'SOLUSDC' });
      return r.body[0]?.status === 'FILLED' ? r.body : undefined;
    }, 'the stop order in the history');
    expect(history).toEqual([
      expect.objectContaining({
        orderId: stop.body.orderId,
        type: 'STOP_LOSS_LIMIT',
        stopPrice: '95.00',
        orderListId: -1,
        isWorking: true,
      }),
    ]);
  });
});

describe('OCO order lists', () => {
  it('places, lists, cancels and finds a list; refuses prices the wrong way round', async () => {
    await tradeAt('ETHUSDC', '100.00', '1', 'ETH');
    const trader = await funded({ ETH: '1' });
    const oco = {
      symbol: 'ETHUSDC',
      side: 'SELL',
      quantity: '1',
      listClientOrderId: 'my-list',
      aboveType: 'LIMIT_MAKER',
      abovePrice: '110.00',
      belowType: 'STOP_LOSS_LIMIT',
      belowStopPrice: '90.00',
      belowPrice: '89.00',
      belowTimeInForce: 'GTC',
    };

    const placed = await call(stack.api, trader, 'POST', '/api/v3/orderList/oco', oco);
    const wrongWay = await call(stack.api, trader, 'POST', '/api/v3/orderList/oco', {
      ...oco,
      listClientOrderId: 'other',
      abovePrice: '80.00',
    });
    const openLists = await call(stack.api, trader, 'GET', '/api/v3/openOrderList');
    const account = await call(stack.api, trader, 'GET', '/api/v3/account');
    const canceled = await call(stack.api, trader, 'DELETE', '/api/v3/orderList', {
      symbol: 'ETHUSDC',
      listClientOrderId: 'my-list',
    });
    const again = await call(stack.api, trader, 'DELETE', '/api/v3/orderList', {
      symbol: 'ETHUSDC',
      orderListId: placed.body.orderListId,
    });

    expect(placed.status).toBe(200);
    const listId = placed.body.orderListId;
    expect(placed.body).toMatchObject({
      contingencyType: 'OCO',
      listStatusType: 'EXEC_STARTED',
      listOrderStatus: 'EXECUTING',
      listClientOrderId: 'my-list',
      symbol: 'ETHUSDC',
    });
    expect(placed.body.orders).toHaveLength(2);
    // A sell list's stop-loss leg takes the first of the two order ids, as on Binance.
    expect(placed.body.orderReports).toEqual([
      expect.objectContaining({
        orderListId: listId,
        type: 'STOP_LOSS_LIMIT',
        stopPrice: '90.00',
        workingTime: -1,
      }),
      expect.objectContaining({ orderListId: listId, type: 'LIMIT_MAKER', price: '110.00', status: 'NEW' }),
    ]);
    expect([wrongWay.status, wrongWay.body.code]).toEqual([400, -2010]);
    expect(openLists.body).toEqual([
      expect.objectContaining({
        orderListId: listId,
        listOrderStatus: 'EXECUTING',
        listClientOrderId: 'my-list',
      }),
    ]);
    // One lock covers both legs.
    expect(account.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'ETH', free: '0.00000000', locked: '1.00000000' }]),
    );
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ orderListId: listId, listStatusType: 'ALL_DONE' });
    expect(canceled.body.orderReports.map((o: { status: string }) => o.status)).toEqual([
      'CANCELED',
      'CANCELED',
    ]);
    expect([again.status, again.body.code]).toEqual([400, -2011]);

    const found = await eventually(async () => {
      const r = await call(stack.api, trader, 'GET', '/api/v3/orderList', { orderListId: listId });
      return r.status === 200 && r.body.listOrderStatus === 'ALL_DONE' ? r.body : undefined;
    }, 'the cancelled list in the history');
    expect(found.orders).toHaveLength(2);
    expect(found.listClientOrderId).toBe('my-list');
    const byClientId = await call(stack.api, trader, 'GET', '/api/v3/orderList', {
      origClientOrderId: 'my-list',
    });
    expect(byClientId.body).toMatchObject({ orderListId: listId, listClientOrderId: 'my-list' });
    const all = await call(stack.api, trader, 'GET', '/api/v3/allOrderList');
    expect(all.body).toEqual([
      expect.objectContaining({
        orderListId: listId,
        listStatusType: 'ALL_DONE',
        listClientOrderId: 'my-list',
      }),
    ]);
    const unknown = await call(stack.api, trader, 'GET', '/api/v3/orderList', { origClientOrderId: 'nope' });
    expect([unknown.status, unknown.body.code]).toEqual([400, -2013]);
  });
});

describe('amend keep priority and cancel-replace', () => {
  it('reduces a resting order in place and refuses an increase', async () => {
    const trader = await funded({ BTC: '1' });
    const order = await call(stack.api, trader, 'POST', '/api/v3/order', {
      ...limit('BTCUSDC', 'SELL', '50000.0', '0.2'),
      newClientOrderId: 'amend-me',
    });

    const amended = await call(stack.api, trader, 'PUT', '/api/v3/order/amend/keepPriority', {
      symbol: 'BTCUSDC',
      origClientOrderId: 'amend-me',
      newQty: '0.1',
    });
    const increase = await call(stack.api, trader, 'PUT', '/api/v3/order/amend/keepPriority', {
      symbol: 'BTCUSDC',
      orderId: order.body.orderId,
      newQty: '0.3',
    });
    const account = await call(stack.api, trader, 'GET', '/api/v3/account');

    expect(amended.status).toBe(200);
    expect(amended.body.amendedOrder).toMatchObject({
      orderId: order.body.orderId,
      origClientOrderId: 'amend-me',
      clientOrderId: 'amend-me',
      qty: '0.10000',
      status: 'NEW',
    });
    expect([increase.status, increase.body.code, increase.body.msg]).toEqual([
      400,
      -2038,
      'Order amend (quantity increase) is not supported.',
    ]);
    expect(account.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'BTC', free: '0.90000000', locked: '0.10000000' }]),
    );
    const history = await eventually(async () => {
      const r = await call(stack.api, trader, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDC' });
      return r.body[0]?.origQty === '0.10000' ? r.body : undefined;
    }, 'the amended quantity in the history');
    expect(history[0]).toMatchObject({ orderId: order.body.orderId, status: 'NEW' });
  });

  it('answers 200, 409 and 400 as Binance for both, one and no half done', async () => {
    const trader = await funded({ BTC: '1' });
    const first = await call(
      stack.api,
      trader,
      'POST',
      '/api/v3/order',
      limit('BTCUSDC', 'SELL', '60000.0', '0.1'),
    );
    const replace = {
      ...limit('BTCUSDC', 'SELL', '61000.0', '0.1'),
      cancelReplaceMode: 'STOP_ON_FAILURE',
    };

    const both = await call(stack.api, trader, 'POST', '/api/v3/order/cancelReplace', {
      ...replace,
      cancelOrderId: first.body.orderId,
    });
    const stopped = await call(stack.api, trader, 'POST', '/api/v3/order/cancelReplace', {
      ...replace,
      cancelOrderId: first.body.orderId,
    });
    const allowed = await call(stack.api, trader, 'POST', '/api/v3/order/cancelReplace', {
      ...replace,
      cancelReplaceMode: 'ALLOW_FAILURE',
      cancelOrderId: first.body.orderId,
      price: '62000.0',
    });
    const open = await call(stack.api, trader, 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDC' });

    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({
      cancelResult: 'SUCCESS',
      newOrderResult: 'SUCCESS',
      cancelResponse: { orderId: first.body.orderId, status: 'CANCELED' },
      newOrderResponse: { price: '61000.0', status: 'NEW', fills: [] },
    });
    expect(stopped.status).toBe(400);
    expect(stopped.body).toEqual({
      code: -2022,
      msg: 'Order cancel-replace failed.',
      data: {
        cancelResult: 'FAILURE',
        newOrderResult: 'NOT_ATTEMPTED',
        cancelResponse: { code: -2011, msg: 'Unknown order sent.' },
        newOrderResponse: null,
      },
    });
    expect(allowed.status).toBe(409);
    expect(allowed.body).toMatchObject({
      code: -2021,
      msg: 'Order cancel-replace partially failed.',
      data: {
        cancelResult: 'FAILURE',
        newOrderResult: 'SUCCESS',
        newOrderResponse: { price: '62000.0', status: 'NEW' },
      },
    });
    expect(open.body.map((o: { price: string }) => o.price)).toEqual(['61000.0', '62000.0']);
  });
});
