/**
 * End-to-end tests of the trading API through the API Gateway emulator, with the real
 * engine service, Redis, PostgreSQL, fauxqs and the DB processor: both faces, every
 * rejection path, account isolation, the 202 path, on-ramp and withdrawals.
 */
import { settleDueWithdrawals } from '@exchange/functions/withdrawals/settle';
import { call, eventually, funded as fundedAccount, signUp, type TestKey } from './client.js';
import { startTradingStack, type TradingStack } from './stack.js';

let stack: TradingStack;
beforeAll(async () => {
  stack = await startTradingStack();
}, 120_000);
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

/** Every permission: these accounts also withdraw and make keys (accounts/permissions.ts). */
const funded = (deposits: Readonly<Record<string, string>>): Promise<TestKey> =>
  fundedAccount(stack.api, deposits, ['read', 'trade', 'withdraw', 'manageKeys']);

const limit = (symbol: string, side: string, price: string, quantity: string, extra = {}) => ({
  symbol,
  side,
  type: 'LIMIT',
  timeInForce: 'GTC',
  price,
  quantity,
  ...extra,
});

describe('sign-up → on-ramp → place, partially fill, cancel', () => {
  it('runs a maker and a taker through both faces', async () => {
    // Prepare
    const maker = await funded({ SOL: '10' });
    const taker = await funded({ USDC: '1000' });

    // Act
    const sell = await call(
      stack.api,
      maker,
      'POST',
      '/api/v3/order',
      limit('SOLUSDC', 'SELL', '100.00', '2', { newClientOrderId: 'maker-1' }),
    );
    const buy = await call(
      stack.api,
      taker,
      'POST',
      '/api/v1/order',
      {},
      {
        market: 'SOL_USDC',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'IOC',
        price: '100.00',
        quantity: '0.5',
      },
    );
    const open = await call(stack.api, maker, 'GET', '/api/v3/openOrders', { symbol: 'SOLUSDC' });
    const canceled = await call(stack.api, maker, 'DELETE', '/api/v3/order', {
      symbol: 'SOLUSDC',
      origClientOrderId: 'maker-1',
    });
    const account = await call(stack.api, maker, 'GET', '/api/v3/account');

    // Assess
    expect(sell.status).toBe(200);
    expect(sell.body).toMatchObject({
      symbol: 'SOLUSDC',
      orderId: expect.any(Number),
      orderListId: -1,
      clientOrderId: 'maker-1',
      transactTime: expect.any(Number),
      price: '100.00',
      origQty: '2.000',
      executedQty: '0.000',
      status: 'NEW',
      timeInForce: 'GTC',
      type: 'LIMIT',
      side: 'SELL',
      selfTradePreventionMode: 'EXPIRE_MAKER',
      fills: [],
    });
    expect(buy.status).toBe(200);
    expect(buy.body.order).toMatchObject({
      status: 'FILLED',
      filledQuantity: '0.500',
      filledQuote: '50.000000',
    });
    expect(buy.body.order.clientOrderId).toMatch(/^x-/);
    expect(buy.body.fills).toEqual([
      expect.objectContaining({
        price: '100.00',
        quantity: '0.500',
        side: 'BUY',
        isMaker: false,
        feeAsset: 'SOL',
      }),
    ]);
    expect(open.body).toEqual([
      expect.objectContaining({
        orderId: sell.body.orderId,
        status: 'PARTIALLY_FILLED',
        executedQty: '0.500',
      }),
    ]);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      symbol: 'SOLUSDC',
      origClientOrderId: 'maker-1',
      orderId: sell.body.orderId,
      status: 'CANCELED',
      executedQty: '0.500',
    });
    expect(account.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'SOL', free: '9.50000000', locked: '0.00000000' }]),
    );

    // The history (PostgreSQL) catches up through the DB processor.
    const trades = await eventually(async () => {
      const r = await call(stack.api, taker, 'GET', '/api/v3/myTrades', { symbol: 'SOLUSDC' });
      return r.body.length > 0 ? r.body : undefined;
    }, 'myTrades');
    expect(trades).toEqual([
      expect.objectContaining({
        symbol: 'SOLUSDC',
        price: '100.00',
        qty: '0.500',
        isBuyer: true,
        isMaker: false,
      }),
    ]);
    // The open order was placed by the sell and last changed by the fill.
    expect(open.body[0]).toMatchObject({ time: sell.body.transactTime, updateTime: trades[0].time });
    const ended = await eventually(async () => {
      const r = await call(stack.api, maker, 'GET', '/api/v3/order', {
        symbol: 'SOLUSDC',
        orderId: sell.body.orderId,
      });
      return r.body.status === 'CANCELED' ? r.body : undefined;
    }, 'the cancelled order in the history');
    expect(ended).toMatchObject({ clientOrderId: 'maker-1', executedQty: '0.500', origQty: '2.000' });
  });

  it('answers every face of a market order with quoteOrderQty and lists v1 balances and orders', async () => {
    const maker = await funded({ SOL: '5' });
    const taker = await funded({ USDC: '500' });
    await call(stack.api, maker, 'POST', '/api/v3/order', limit('SOLUSDC', 'SELL', '50.00', '5'));

    const market = await call(stack.api, taker, 'POST', '/api/v3/order', {
      symbol: 'SOLUSDC',
      side: 'BUY',
      type: 'MARKET',
      quoteOrderQty: '100',
      newOrderRespType: 'RESULT',
    });
    const balances = await call(stack.api, taker, 'GET', '/api/v1/balances');
    const orders = await call(stack.api, maker, 'GET', '/api/v1/orders', { market: 'SOL_USDC' });
    const cancelAll = await call(stack.api, maker, 'DELETE', '/api/v1/orders', { market: 'SOL_USDC' });

    expect(market.status).toBe(200);
    expect(market.body).toMatchObject({
      type: 'MARKET',
      status: 'FILLED',
      executedQty: '2.000',
      cummulativeQuoteQty: '100.000000',
    });
    expect(market.body.fills).toBeUndefined();
    expect(balances.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'USDC', available: '400.000000', locked: '0.000000' }]),
    );
    expect(orders.body.orders).toHaveLength(1);
    expect(cancelAll.body.orders).toEqual([
      expect.objectContaining({ status: 'CANCELED', filledQuantity: '2.000' }),
    ]);
  });
});

describe('rejections', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await funded({ USDC: '100', SOL: '1' });
  });

  it.each([
    [
      'insufficient funds',
      -2010,
      'Account has insufficient balance for requested action.',
      limit('SOLUSDC', 'BUY', '100.00', '5'),
    ],
    ['PRICE_FILTER', -1013, 'Filter failure: PRICE_FILTER', limit('SOLUSDC', 'BUY', '1.001', '1')],
    ['LOT_SIZE', -1013, 'Filter failure: LOT_SIZE', limit('SOLUSDC', 'BUY', '1.00', '0.0001')],
    ['NOTIONAL', -1013, 'Filter failure: NOTIONAL', limit('SOLUSDC', 'BUY', '0.01', '1')],
    ['unknown symbol', -1121, 'Invalid symbol.', limit('DOGEUSDC', 'BUY', '1.00', '1')],
    [
      'LIMIT without timeInForce',
      -1102,
      "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
      { symbol: 'SOLUSDC', side: 'BUY', type: 'LIMIT', price: '1', quantity: '1' },
    ],
  ])('refuses %s with Binance code %i', async (_, code, msg, order) => {
    const response = await call(stack.api, key, 'POST', '/api/v3/order', order);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code, msg });
  });

  it('validates without sending on /api/v3/order/test', async () => {
    const ok = await call(
      stack.api,
      key,
      'POST',
      '/api/v3/order/test',
      limit('SOLUSDC', 'BUY', '10.00', '1'),
    );
    const bad = await call(
      stack.api,
      key,
      'POST',
      '/api/v3/order/test',
      limit('SOLUSDC', 'BUY', '10.001', '1'),
    );
    const open = await call(stack.api, key, 'GET', '/api/v3/openOrders');
    expect([ok.status, ok.body]).toEqual([200, {}]);
    expect(bad.body).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    expect(open.body).toEqual([]);
  });

  it('refuses a duplicate client order id and a post-only order that would take', async () => {
    await call(
      stack.api,
      key,
      'POST',
      '/api/v3/order',
      limit('SOLUSDC', 'SELL', '20.00', '0.1', { newClientOrderId: 'dup-1' }),
    );
    const duplicate = await call(
      stack.api,
      key,
      'POST',
      '/api/v3/order',
      limit('SOLUSDC', 'SELL', '21.00', '0.1', { newClientOrderId: 'dup-1' }),
    );
    const other = await funded({ USDC: '100' });
    const wouldTake = await call(stack.api, other, 'POST', '/api/v3/order', {
      symbol: 'SOLUSDC',
      side: 'BUY',
      type: 'LIMIT_MAKER',
      price: '20.00',
      quantity: '0.1',
    });
    expect(duplicate.body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
    expect(wouldTake.body).toEqual({ code: -2010, msg: 'Order would immediately match and take.' });
  });

  it('answers -2011 cancelling and -2013 querying an unknown order; native 404', async () => {
    const cancel = await call(stack.api, key, 'DELETE', '/api/v3/order', {
      symbol: 'SOLUSDC',
      orderId: 999999,
    });
    const query = await call(stack.api, key, 'GET', '/api/v3/order', { symbol: 'SOLUSDC', orderId: 999999 });
    const native = await call(stack.api, key, 'DELETE', '/api/v1/order', {
      market: 'SOL_USDC',
      orderId: 999999,
    });
    expect(cancel.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
    expect(query.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
    expect(native.status).toBe(404);
    expect(native.body.code).toBe('UNKNOWN_ORDER');
  });
});

describe('isolation between accounts', () => {
  it('never lets one account read or cancel another’s order', async () => {
    const alice = await funded({ USDC: '100' });
    const mallory = await funded({ USDC: '100' });
    const order = await call(
      stack.api,
      alice,
      'POST',
      '/api/v3/order',
      limit('SOLUSDC', 'BUY', '10.00', '1', { newClientOrderId: 'alice-1' }),
    );

    const byId = await call(stack.api, mallory, 'GET', '/api/v3/order', {
      symbol: 'SOLUSDC',
      orderId: order.body.orderId,
    });
    const byClientId = await call(stack.api, mallory, 'GET', '/api/v3/order', {
      symbol: 'SOLUSDC',
      origClientOrderId: 'alice-1',
    });
    const cancel = await call(stack.api, mallory, 'DELETE', '/api/v3/order', {
      symbol: 'SOLUSDC',
      orderId: order.body.orderId,
    });
    const cancelAll = await call(stack.api, mallory, 'DELETE', '/api/v3/openOrders', { symbol: 'SOLUSDC' });
    const open = await call(stack.api, mallory, 'GET', '/api/v3/openOrders');
    const still = await call(stack.api, alice, 'GET', '/api/v3/order', {
      symbol: 'SOLUSDC',
      orderId: order.body.orderId,
    });

    expect(byId.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
    expect(byClientId.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
    expect(cancel.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
    expect(cancelAll.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
    expect(open.body).toEqual([]);
    expect(still.body).toMatchObject({ status: 'NEW', clientOrderId: 'alice-1' });
  });
});

describe('a late engine reply', () => {
  it('answers 202 with the client order id, and the order exists exactly once', async () => {
    const key = await funded({ USDC: '100' });
    process.env.REPLY_TIMEOUT_MS = '1';
    let response: Awaited<ReturnType<typeof call>>;
    try {
      response = await call(stack.api, key, 'POST', '/api/v3/order', limit('SOLUSDC', 'BUY', '10.00', '1'));
    } finally {
      delete process.env.REPLY_TIMEOUT_MS;
    }

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      symbol: 'SOLUSDC',
      status: 'PENDING_NEW',
      requestId: expect.any(String),
    });
    const clientOrderId = response.body.clientOrderId as string;
    const found = await eventually(async () => {
      const r = await call(stack.api, key, 'GET', '/api/v3/order', {
        symbol: 'SOLUSDC',
        origClientOrderId: clientOrderId,
      });
      return r.status === 200 ? r.body : undefined;
    }, 'the pending order');
    expect(found).toMatchObject({ clientOrderId, status: 'NEW' });
    const open = await call(stack.api, key, 'GET', '/api/v3/openOrders');
    expect(
      open.body.filter((o: { clientOrderId: string }) => o.clientOrderId === clientOrderId),
    ).toHaveLength(1);
  });
});

describe('on-ramp and withdrawals', () => {
  it('limits the on-ramp per credit', async () => {
    const key = await signUp(stack.api);
    const tooMuch = await call(
      stack.api,
      key,
      'POST',
      '/api/v1/onramp',
      {},
      { asset: 'USDC', amount: '1000001' },
    );
    const unknown = await call(stack.api, key, 'POST', '/api/v1/onramp', {}, { asset: 'DOGE', amount: '1' });
    expect(tooMuch.body).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', field: 'amount' });
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_ASSET', field: 'asset' });
  });

  it('locks a withdrawal, then settles it: completed, or failed and unlocked', async () => {
    const key = await funded({ USDC: '100' });
    const ok = await call(
      stack.api,
      key,
      'POST',
      '/api/v1/withdrawals',
      {},
      { asset: 'USDC', amount: '30', address: 'addr-1' },
    );
    const bad = await call(
      stack.api,
      key,
      'POST',
      '/api/v1/withdrawals',
      {},
      { asset: 'USDC', amount: '20', address: 'fail-2' },
    );
    const tooMuch = await call(
      stack.api,
      key,
      'POST',
      '/api/v1/withdrawals',
      {},
      { asset: 'USDC', amount: '60', address: 'addr-3' },
    );
    const locked = await call(stack.api, key, 'GET', '/api/v1/balances');

    const run = await settleDueWithdrawals(Date.now() + 1_000, 0);
    const listed = await call(stack.api, key, 'GET', '/api/v1/withdrawals');
    const after = await call(stack.api, key, 'GET', '/api/v1/balances');

    expect(ok.body).toMatchObject({ status: 'PENDING', withdrawalId: expect.any(Number), amount: '30' });
    expect(bad.body).toMatchObject({ status: 'PENDING' });
    expect(tooMuch.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(locked.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'USDC', available: '50.000000', locked: '50.000000' }]),
    );
    expect(run.unanswered).toEqual([]);
    expect(
      listed.body.withdrawals.map((w: { address: string; status: string }) => [w.address, w.status]).sort(),
    ).toEqual([
      ['addr-1', 'COMPLETED'],
      ['addr-3', 'REJECTED'],
      ['fail-2', 'FAILED'],
    ]);
    expect(after.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'USDC', available: '70.000000', locked: '0.000000' }]),
    );
  });

  it('answers 202 when the lock’s reply is late, and the settlement step still finishes it once', async () => {
    const key = await funded({ USDC: '100' });
    process.env.REPLY_TIMEOUT_MS = '1';
    let late: Awaited<ReturnType<typeof call>>;
    try {
      late = await call(
        stack.api,
        key,
        'POST',
        '/api/v1/withdrawals',
        {},
        { asset: 'USDC', amount: '10', address: 'addr-late' },
      );
    } finally {
      delete process.env.REPLY_TIMEOUT_MS;
    }

    const done = await eventually(async () => {
      await settleDueWithdrawals(Date.now() + 1_000, 0);
      const listed = await call(stack.api, key, 'GET', '/api/v1/withdrawals');
      const [only] = listed.body.withdrawals;
      return only.status === 'COMPLETED' ? only : undefined;
    }, 'the late withdrawal to settle');
    const balances = await call(stack.api, key, 'GET', '/api/v1/balances');

    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({
      status: 'REQUESTED',
      withdrawalId: null,
      requestId: expect.any(String),
    });
    expect(done).toMatchObject({
      requestId: late.body.requestId,
      withdrawalId: expect.any(Number),
      amount: '10',
    });
    expect(balances.body.balances).toEqual(
      expect.arrayContaining([{ asset: 'USDC', available: '90.000000', locked: '0.000000' }]),
    );
  });

  it('limits on-ramp credits per account and day, and is off when switched off', async () => {
    const key = await signUp(stack.api);
    process.env.ONRAMP_MAX_PER_DAY = '2';
    const answers: number[] = [];
    let over: Awaited<ReturnType<typeof call>> | undefined;
    try {
      for (let i = 0; i < 3; i++) {
        over = await call(stack.api, key, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: '1' });
        answers.push(over.status);
      }
    } finally {
      delete process.env.ONRAMP_MAX_PER_DAY;
    }
    process.env.ONRAMP_ENABLED = 'false';
    let off: Awaited<ReturnType<typeof call>>;
    try {
      off = await call(stack.api, key, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: '1' });
    } finally {
      delete process.env.ONRAMP_ENABLED;
    }

    expect(answers).toEqual([200, 200, 429]);
    expect(over?.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(off.status).toBe(404);
  });
});

describe('/api/v1 reads', () => {
  it('finds an order by client order id and lists fills once the history has them (a market of its own)', async () => {
    const maker = await funded({ ETH: '1' });
    const taker = await funded({ USDC: '100' });
    await call(
      stack.api,
      maker,
      'POST',
      '/api/v1/order',
      {},
      {
        market: 'ETH_USDC',
        side: 'SELL',
        type: 'LIMIT',
        price: '10.00',
        quantity: '1',
        clientOrderId: 'v1-maker',
      },
    );
    await call(
      stack.api,
      taker,
      'POST',
      '/api/v1/order',
      {},
      {
        market: 'ETH_USDC',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.4',
      },
    );

    const order = await call(stack.api, maker, 'GET', '/api/v1/order', {
      market: 'ETH_USDC',
      clientOrderId: 'v1-maker',
    });
    const fills = await eventually(async () => {
      const r = await call(stack.api, maker, 'GET', '/api/v1/fills', { market: 'ETH_USDC' });
      return r.body.fills.length > 0 ? r.body.fills : undefined;
    }, 'the maker’s fill');
    const unknown = await call(stack.api, maker, 'GET', '/api/v1/order', {
      market: 'ETH_USDC',
      clientOrderId: 'nope',
    });

    expect(order.body.order).toMatchObject({
      clientOrderId: 'v1-maker',
      status: 'PARTIALLY_FILLED',
      filledQuantity: '0.4000',
    });
    expect(fills).toEqual([
      expect.objectContaining({ side: 'SELL', isMaker: true, quantity: '0.4000', feeAsset: 'USDC' }),
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('UNKNOWN_ORDER');
  });

  it('refuses orders from a read-only key', async () => {
    const key = await funded({ USDC: '10' });
    const readOnly = await call(stack.api, key, 'POST', '/api/v1/keys', {}, { permissions: ['read'] });
    const refused = await call(
      stack.api,
      { ...readOnly.body, accountId: key.accountId },
      'POST',
      '/api/v3/order',
      limit('SOLUSDC', 'BUY', '1.00', '1'),
    );
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe(-2015);
  });
});
