import {
  type EngineCommand,
  type EngineCreateOrder,
  isRejection,
  type RejectCode,
  toEngineCommand,
} from '@exchange/protocol';
import { Harness, type Step } from './harness.js';

/**
 * A market with some of everything: balances, a resting bid with a client order
 * id (#3), a resting ask (#4) and a pending withdrawal (#5). Alice has 800 USDC
 * available, bob 9 SOL.
 */
function populated(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('bob', 'SOL', '10');
  h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });
  h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');
  h.withdraw('alice', 'USDC', '100');
  return h;
}

/** Engine-form orders, for what the wire form cannot even express. */
const limitBuy: EngineCreateOrder = {
  type: 'CREATE_ORDER',
  accountId: 'alice',
  market: 'SOL_USDC',
  side: 'BUY',
  orderType: 'LIMIT',
  timeInForce: 'GTC',
  postOnly: false,
  price: 9_900,
  quantity: 1_000,
  quoteQuantity: 0,
  clientOrderId: null,
  selfTradePrevention: 'EXPIRE_MAKER',
};
const marketBuy: EngineCreateOrder = { ...limitBuy, orderType: 'MARKET', timeInForce: 'IOC', price: 0 };

/** A value the engine's types rule out, as a queue could still deliver it. */
function invalid<T>(value: string): T {
  return value as unknown as T;
}

const wireOrder = {
  type: 'CREATE_ORDER',
  accountId: 'alice',
  market: 'SOL_USDC',
  side: 'BUY',
  orderType: 'LIMIT',
  price: '99.00',
  quantity: '1',
};
const wireMarket = { ...wireOrder, orderType: 'MARKET', price: undefined };

const engineRejections: [string, RejectCode, (h: Harness) => Step][] = [
  [
    'a post-only IOC limit order',
    'INVALID_ORDER',
    (h) => h.execute({ ...limitBuy, timeInForce: 'IOC', postOnly: true }),
  ],
  [
    'a limit order with a quote amount',
    'INVALID_ORDER',
    (h) => h.execute({ ...limitBuy, quoteQuantity: 1_000_000 }),
  ],
  ['a market order with a price', 'INVALID_ORDER', (h) => h.execute({ ...marketBuy, price: 10_000 })],
  [
    'a market order with both quantity and quote amount',
    'INVALID_ORDER',
    (h) => h.execute({ ...marketBuy, quoteQuantity: 100_000_000 }),
  ],
  [
    'a market order with neither quantity nor quote amount',
    'INVALID_ORDER',
    (h) => h.execute({ ...marketBuy, quantity: 0 }),
  ],
  ['a market order that is not IOC', 'INVALID_ORDER', (h) => h.execute({ ...marketBuy, timeInForce: 'GTC' })],
  ['a post-only market order', 'INVALID_ORDER', (h) => h.execute({ ...marketBuy, postOnly: true })],
  ['an unknown side', 'INVALID_ORDER', (h) => h.execute({ ...limitBuy, side: invalid('HOLD') })],
  ['an unknown order type', 'INVALID_ORDER', (h) => h.execute({ ...limitBuy, orderType: invalid('STOP') })],
  [
    'an unknown time in force',
    'INVALID_ORDER',
    (h) => h.execute({ ...limitBuy, timeInForce: invalid('GTD') }),
  ],
  [
    'an unknown self-trade prevention mode',
    'INVALID_ORDER',
    (h) => h.execute({ ...limitBuy, selfTradePrevention: invalid('EXPIRE_NONE') }),
  ],
  ['an order in an unknown market', 'UNKNOWN_MARKET', (h) => h.execute({ ...limitBuy, market: 'DOGE_USDC' })],
  [
    'a cancel in an unknown market',
    'UNKNOWN_MARKET',
    (h) =>
      h.execute({
        type: 'CANCEL_ORDER',
        accountId: 'alice',
        market: 'DOGE_USDC',
        orderId: 3,
        clientOrderId: null,
      }),
  ],
  [
    'a cancel-all in an unknown market',
    'UNKNOWN_MARKET',
    (h) => h.execute({ type: 'CANCEL_ALL', accountId: 'alice', market: 'DOGE_USDC' }),
  ],
  [
    'a deposit of an unknown asset',
    'UNKNOWN_ASSET',
    (h) => h.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'XRP', amount: 1 }),
  ],
  [
    'a withdrawal of an unknown asset',
    'UNKNOWN_ASSET',
    (h) => h.execute({ type: 'WITHDRAW', accountId: 'alice', asset: 'XRP', amount: 1 }),
  ],
  ['a limit price of zero', 'PRICE_FILTER', (h) => h.limit('alice', 'SOL_USDC', 'BUY', '0.00', '1')],
  [
    'a limit price above the maximum',
    'PRICE_FILTER',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '1000000.01', '0.001'),
  ],
  ['a fractional tick count', 'PRICE_FILTER', (h) => h.execute({ ...limitBuy, price: 9_900.5 })],
  ['a limit quantity of zero', 'LOT_SIZE', (h) => h.execute({ ...limitBuy, quantity: 0 })],
  [
    'a limit quantity above the maximum',
    'LOT_SIZE',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '0.01', '1000000.001'),
  ],
  [
    'a market quantity above the maximum',
    'LOT_SIZE',
    (h) => h.market('alice', 'SOL_USDC', 'BUY', { quantity: '1000000.001' }),
  ],
  [
    'a limit order worth less than 1 USDC',
    'MIN_NOTIONAL',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '0.009'),
  ],
  [
    'a market quote amount under 1 USDC',
    'MIN_NOTIONAL',
    (h) => h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '0.999999' }),
  ],
  [
    'a limit order worth more than 2^53−1 minor units',
    'MAX_NOTIONAL',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '1000000', '10000'),
  ],
  [
    'a market quote amount past 2^53−1',
    'MAX_NOTIONAL',
    (h) => h.execute({ ...marketBuy, quantity: 0, quoteQuantity: 2 ** 53 }),
  ],
  [
    'a limit buy costing more than the available quote',
    'INSUFFICIENT_FUNDS',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '8.001'),
  ],
  [
    'a sell of base the account does not hold',
    'INSUFFICIENT_FUNDS',
    (h) => h.limit('alice', 'SOL_USDC', 'SELL', '101.00', '1'),
  ],
  [
    'an order from an unknown account',
    'INSUFFICIENT_FUNDS',
    (h) => h.limit('zed', 'SOL_USDC', 'BUY', '100.00', '1'),
  ],
  [
    'a withdrawal beyond the available balance',
    'INSUFFICIENT_FUNDS',
    (h) => h.withdraw('alice', 'USDC', '800.000001'),
  ],
  ['a withdrawal from an unknown account', 'INSUFFICIENT_FUNDS', (h) => h.withdraw('zed', 'USDC', '1')],
  [
    'a deposit of zero',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 0 }),
  ],
  [
    'a negative deposit',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: -1 }),
  ],
  [
    'a fractional deposit',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 1.5 }),
  ],
  [
    'a deposit past 2^53−1',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 2 ** 53 }),
  ],
  [
    'a deposit that would take the supply past 2^53−1',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.deposit('carol', 'USDC', '9007198254.740992'),
  ],
  [
    'a withdrawal of zero',
    'AMOUNT_OUT_OF_RANGE',
    (h) => h.execute({ type: 'WITHDRAW', accountId: 'alice', asset: 'USDC', amount: 0 }),
  ],
  [
    'a cancel of another account’s order',
    'UNKNOWN_ORDER',
    (h) => h.cancel('bob', 'SOL_USDC', { orderId: 3 }),
  ],
  [
    'a cancel of an order that never existed',
    'UNKNOWN_ORDER',
    (h) => h.cancel('alice', 'SOL_USDC', { orderId: 999 }),
  ],
  [
    'an order reusing an open order’s client order id',
    'DUPLICATE_CLIENT_ORDER_ID',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1', { clientOrderId: 'a-1' }),
  ],
  [
    'a post-only buy at the best ask',
    'WOULD_TAKE',
    (h) => h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '1', { postOnly: true }),
  ],
  [
    'settling a withdrawal that never existed',
    'UNKNOWN_WITHDRAWAL',
    (h) => h.settle('alice', 999, 'COMPLETED'),
  ],
  ['settling another account’s withdrawal', 'UNKNOWN_WITHDRAWAL', (h) => h.settle('bob', 5, 'COMPLETED')],
  ['settling an order’s id as a withdrawal', 'UNKNOWN_WITHDRAWAL', (h) => h.settle('alice', 3, 'FAILED')],
  [
    'a command of an unknown type',
    'INVALID_COMMAND',
    (h) => h.execute({ type: 'TELEPORT', accountId: 'alice' } as unknown as EngineCommand),
  ],
];

describe('a command the engine refuses', () => {
  it.each(engineRejections)('%s is refused with %s, with no events and no change', (_, code, act) => {
    // Prepare
    const h = populated();
    const before = h.state();

    // Act
    const step = act(h);

    // Assess
    expect(step.code).toBe(code);
    expect(step.events).toEqual([]);
    expect(h.state()).toBe(before);
    expect(h.engine.sequence).toBe(step.seq);
  });

  it('still consumes its sequence: the next order’s id skips it', () => {
    // Prepare
    const h = populated();
    const refused = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '0.009');

    // Act
    const next = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1');

    // Assess
    expect(refused.seq).toBe(6);
    expect(next.events[0]).toMatchObject({ type: 'ORDER', orderId: 7 });
  });

  it('accepts a deposit that fills the supply exactly up to 2^53−1', () => {
    // Prepare
    const h = populated();

    // Act
    const deposit = h.deposit('carol', 'USDC', '9007198254.740991');

    // Assess
    expect(deposit.code).toBeNull();
    expect(h.engine.snapshot().supply[0]).toEqual(['USDC', Number.MAX_SAFE_INTEGER]);
  });
});

describe('the order of the checks on a new order', () => {
  it.each<[string, RejectCode, (h: Harness) => Step]>([
    [
      'an unknown market comes before the market filters',
      'UNKNOWN_MARKET',
      (h) => h.execute({ ...limitBuy, market: 'DOGE_USDC', price: 0 }),
    ],
    [
      'a bad combination comes before the price filter',
      'INVALID_ORDER',
      (h) => h.execute({ ...limitBuy, timeInForce: 'IOC', postOnly: true, price: 0 }),
    ],
    [
      'the price filter comes before the lot size',
      'PRICE_FILTER',
      (h) => h.execute({ ...limitBuy, price: 0, quantity: 0 }),
    ],
    [
      'the market filters come before WOULD_TAKE',
      'MIN_NOTIONAL',
      (h) => h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '0.001', { postOnly: true }),
    ],
    [
      'WOULD_TAKE comes before a duplicate client order id and missing funds',
      'WOULD_TAKE',
      (h) => h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '100', { postOnly: true, clientOrderId: 'a-1' }),
    ],
    [
      'a duplicate client order id comes before missing funds',
      'DUPLICATE_CLIENT_ORDER_ID',
      (h) => h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '100', { clientOrderId: 'a-1' }),
    ],
  ])('%s (%s)', (_, code, act) => {
    // Prepare
    const h = populated();

    // Act
    const step = act(h);

    // Assess
    expect(step.code).toBe(code);
  });
});

describe('a wire command the protocol conversion refuses', () => {
  it.each<[string, RejectCode, Record<string, unknown>]>([
    ['a price finer than the tick', 'PRICE_FILTER', { ...wireOrder, price: '100.001' }],
    ['a negative price', 'PRICE_FILTER', { ...wireOrder, price: '-1' }],
    ['a price that is not a number', 'PRICE_FILTER', { ...wireOrder, price: 'one hundred' }],
    ['a price past 2^53−1 ticks', 'PRICE_FILTER', { ...wireOrder, price: '99999999999999999999' }],
    ['a quantity finer than the step', 'LOT_SIZE', { ...wireOrder, quantity: '0.0005' }],
    ['a negative quantity', 'LOT_SIZE', { ...wireOrder, quantity: '-1' }],
    ['a quantity in exponent notation', 'LOT_SIZE', { ...wireOrder, quantity: '1e3' }],
    ['a quantity past 2^53−1 lots', 'LOT_SIZE', { ...wireMarket, quantity: '99999999999999999999' }],
    [
      'a market quote amount past 2^53−1 minor units',
      'MAX_NOTIONAL',
      { ...wireMarket, quantity: undefined, quoteQuantity: '99999999999999999999' },
    ],
    [
      'a deposit finer than the asset',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: '0.0000001' },
    ],
    [
      'a negative deposit',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: '-5' },
    ],
    [
      'a deposit that is not a number',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 'ten' },
    ],
    [
      'a deposit of zero',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: '0' },
    ],
    [
      'a deposit past 2^53−1 minor units',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: '10000000000' },
    ],
    [
      'a withdrawal finer than the asset',
      'AMOUNT_OUT_OF_RANGE',
      { type: 'WITHDRAW', accountId: 'alice', asset: 'SOL', amount: '0.000000001' },
    ],
    [
      'a deposit of an unknown asset',
      'UNKNOWN_ASSET',
      { type: 'DEPOSIT', accountId: 'alice', asset: 'XRP', amount: '1' },
    ],
    ['an order in an unknown market', 'UNKNOWN_MARKET', { ...wireOrder, market: 'DOGE_USDC' }],
    [
      'a cancel in an unknown market',
      'UNKNOWN_MARKET',
      { type: 'CANCEL_ORDER', accountId: 'alice', market: 'DOGE_USDC', orderId: 3 },
    ],
    [
      'a cancel-all in an unknown market',
      'UNKNOWN_MARKET',
      { type: 'CANCEL_ALL', accountId: 'alice', market: 'DOGE_USDC' },
    ],
    ['a price given as a JSON number', 'INVALID_COMMAND', { ...wireOrder, price: 99 }],
    ['a limit order without a quantity', 'INVALID_COMMAND', { ...wireOrder, quantity: undefined }],
    ['an unknown field', 'INVALID_COMMAND', { ...wireOrder, leverage: '10' }],
    ['a post-only IOC order', 'INVALID_COMMAND', { ...wireOrder, postOnly: true, timeInForce: 'IOC' }],
    ['a market order with a price', 'INVALID_COMMAND', { ...wireMarket, price: '99.00' }],
    ['a client order id with a space', 'INVALID_COMMAND', { ...wireOrder, clientOrderId: 'my order' }],
    [
      'a cancel naming both an order id and a client order id',
      'INVALID_COMMAND',
      { type: 'CANCEL_ORDER', accountId: 'alice', market: 'SOL_USDC', orderId: 3, clientOrderId: 'a-1' },
    ],
    [
      'a cancel naming no order',
      'INVALID_COMMAND',
      { type: 'CANCEL_ORDER', accountId: 'alice', market: 'SOL_USDC' },
    ],
    [
      'a settlement with an unknown outcome',
      'INVALID_COMMAND',
      { type: 'SETTLE_WITHDRAWAL', accountId: 'alice', withdrawalId: 5, outcome: 'MAYBE' },
    ],
    ['a command without an account', 'INVALID_COMMAND', { type: 'CANCEL_ALL', market: 'SOL_USDC' }],
    ['a command of an unknown type', 'INVALID_COMMAND', { type: 'TELEPORT', accountId: 'alice' }],
  ])('%s is refused with %s before it reaches the engine', (_, code, wire) => {
    // Prepare
    const h = populated();
    const before = h.state();

    // Act
    const step = h.send(wire);

    // Assess
    expect(step).toMatchObject({ seq: 0, code, events: [], result: null });
    expect(h.engine.sequence).toBe(5);
    expect(h.state()).toBe(before);
  });

  it.each([
    ['a string', 'not even an object'],
    ['null', null],
    ['an array', [wireOrder]],
  ])('is INVALID_COMMAND for %s', (_, input) => {
    // Prepare
    const registry = new Harness().registry;

    // Act
    const result = toEngineCommand(input, registry);

    // Assess
    expect(isRejection(result) && result.code).toBe('INVALID_COMMAND');
  });
});
