import { Harness, ofType } from './harness.js';

/** Alice holds USDC, bob SOL. */
function funded(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('bob', 'SOL', '10');
  return h;
}

describe('cancelling one order', () => {
  it('by id ends it CANCELED, removes it from the book and releases its lock', () => {
    // Prepare
    const h = funded();
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Act
    const cancel = h.cancel('alice', 'SOL_USDC', { orderId: buy.seq });

    // Assess
    expect(cancel.code).toBeNull();
    expect(cancel.events).toMatchObject([
      {
        type: 'ORDER',
        orderId: buy.seq,
        status: 'CANCELED',
        reason: 'CANCELED_BY_USER',
        filledQuantity: '0.000',
      },
      { type: 'DEPTH', market: 'SOL_USDC', updateId: 2, bids: [['100.00', '0.000']], asks: [] },
      {
        type: 'BALANCE',
        accountId: 'alice',
        asset: 'USDC',
        available: '1000.000000',
        locked: '0.000000',
        availableDelta: '200.000000',
        lockedDelta: '-200.000000',
        cause: 'CANCEL_ORDER',
      },
    ]);
    expect(h.openOrderIds('alice')).toEqual([]);
    expect(h.depth('SOL_USDC')).toEqual({ lastUpdateId: 2, bids: [], asks: [] });
  });

  it('by client order id cancels that order', () => {
    // Prepare
    const h = funded();
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1', { clientOrderId: 'bob-7' });

    // Act
    const cancel = h.cancel('bob', 'SOL_USDC', { clientOrderId: 'bob-7' });

    // Assess
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([
      { orderId: sell.seq, clientOrderId: 'bob-7', status: 'CANCELED' },
    ]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '10.00000000', locked: '0.00000000' });
  });

  it('that was partly filled releases only what its remainder held', () => {
    // Prepare
    const h = funded();
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const cancel = h.cancel('alice', 'SOL_USDC', { orderId: buy.seq });

    // Assess
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([
      { orderId: buy.seq, status: 'CANCELED', filledQuantity: '1.000', filledQuote: '100.000000' },
    ]);
    expect(ofType(cancel.events, 'BALANCE')).toMatchObject([
      { asset: 'USDC', available: '900.000000', locked: '0.000000', availableDelta: '200.000000' },
    ]);
  });

  it('leaves the other orders at its price in time order', () => {
    // Prepare
    const h = funded();
    h.deposit('carol', 'SOL', '10');
    h.deposit('dave', 'SOL', '10');
    const bob = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');
    const dave = h.limit('dave', 'SOL_USDC', 'SELL', '100.00', '1');
    h.cancel('bob', 'SOL_USDC', { orderId: bob.seq });

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1.5');

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { sellOrderId: carol.seq, quantity: '1.000' },
      { sellOrderId: dave.seq, quantity: '0.500' },
    ]);
  });
});

describe('a cancel that finds no open order of the account in the market', () => {
  it.each([
    [
      'another account’s order by id',
      (h: Harness, id: number) => h.cancel('bob', 'SOL_USDC', { orderId: id }),
    ],
    [
      'another account’s order by client order id',
      (h: Harness) => h.cancel('bob', 'SOL_USDC', { clientOrderId: 'alice-1' }),
    ],
    ['an id that never existed', (h: Harness) => h.cancel('alice', 'SOL_USDC', { orderId: 999 })],
    [
      'a client order id not in use',
      (h: Harness) => h.cancel('alice', 'SOL_USDC', { clientOrderId: 'nope' }),
    ],
    [
      'the right order in the wrong market',
      (h: Harness, id: number) => h.cancel('alice', 'ETH_USDC', { orderId: id }),
    ],
  ])('is refused with UNKNOWN_ORDER for %s, changing nothing', (_, act) => {
    // Prepare
    const h = funded();
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'alice-1' });
    const before = h.state();

    // Act
    const cancel = act(h, buy.seq);

    // Assess
    expect(cancel.code).toBe('UNKNOWN_ORDER');
    expect(cancel.events).toEqual([]);
    expect(h.state()).toBe(before);
    expect(h.openOrderIds('alice')).toEqual([buy.seq]);
  });

  it('is refused with UNKNOWN_ORDER for an order that has filled', () => {
    // Prepare
    const h = funded();
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const before = h.state();

    // Act
    const cancel = h.cancel('alice', 'SOL_USDC', { orderId: buy.seq });

    // Assess
    expect(cancel).toMatchObject({ code: 'UNKNOWN_ORDER', events: [] });
    expect(h.state()).toBe(before);
  });

  it('is refused with UNKNOWN_ORDER for a filled order after later orders took its place', () => {
    // Prepare
    const h = funded();
    const filled = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'old' });
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const later = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1');

    // Act
    const byId = h.cancel('alice', 'SOL_USDC', { orderId: filled.seq });
    const byClientId = h.cancel('alice', 'SOL_USDC', { clientOrderId: 'old' });

    // Assess
    expect(byId.code).toBe('UNKNOWN_ORDER');
    expect(byClientId.code).toBe('UNKNOWN_ORDER');
    expect(h.openOrderIds('alice')).toEqual([later.seq]);
    expect(h.engine.order(later.seq)).toMatchObject({
      orderId: later.seq,
      clientOrderId: null,
      status: 'NEW',
    });
  });

  it('is refused with UNKNOWN_ORDER for an order already cancelled', () => {
    // Prepare
    const h = funded();
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.cancel('alice', 'SOL_USDC', { orderId: buy.seq });
    const before = h.state();

    // Act
    const again = h.cancel('alice', 'SOL_USDC', { orderId: buy.seq });

    // Assess
    expect(again).toMatchObject({ code: 'UNKNOWN_ORDER', events: [] });
    expect(h.state()).toBe(before);
  });
});

describe('cancelling all of an account’s orders in a market', () => {
  it('cancels them oldest first and leaves its orders in other markets and other accounts’ orders alone', () => {
    // Prepare
    const h = funded();
    h.deposit('dave', 'USDC', '1000');
    const first = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1');
    const eth = h.limit('alice', 'ETH_USDC', 'BUY', '2000.00', '0.1');
    const second = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    const dave = h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '1');

    // Act
    const cancelAll = h.cancelAll('alice', 'SOL_USDC');

    // Assess
    expect(cancelAll.events).toMatchObject([
      { type: 'ORDER', orderId: first.seq, status: 'CANCELED', reason: 'CANCELED_BY_USER' },
      { type: 'ORDER', orderId: second.seq, status: 'CANCELED', reason: 'CANCELED_BY_USER' },
      {
        type: 'DEPTH',
        market: 'SOL_USDC',
        bids: [
          ['99.00', '0.000'],
          ['100.00', '1.000'],
        ],
        asks: [],
      },
      {
        type: 'BALANCE',
        accountId: 'alice',
        asset: 'USDC',
        available: '800.000000',
        locked: '200.000000',
        availableDelta: '199.000000',
        lockedDelta: '-199.000000',
        cause: 'CANCEL_ALL',
      },
    ]);
    expect(h.openOrderIds('alice')).toEqual([eth.seq]);
    expect(h.openOrderIds('dave')).toEqual([dave.seq]);
    expect(h.depth('ETH_USDC').bids).toEqual([['2000.00', '0.1000']]);
  });

  it('with no open orders succeeds with no events', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'ETH_USDC', 'BUY', '2000.00', '0.1');
    const before = h.state();

    // Act
    const cancelAll = h.cancelAll('alice', 'SOL_USDC');

    // Assess
    expect(cancelAll).toMatchObject({ code: null, events: [] });
    expect(h.state()).toBe(before);
  });
});
