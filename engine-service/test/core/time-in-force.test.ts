import { funded, ofType } from './harness.js';

describe('immediate-or-cancel', () => {
  it('fills what it can, expires the remainder with IOC_REMAINDER and releases its lock', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3', { timeInForce: 'IOC' });

    // Assess
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      orderId: buy.seq,
      timeInForce: 'IOC',
      status: 'EXPIRED',
      reason: 'IOC_REMAINDER',
      filledQuantity: '1.000',
      filledQuote: '100.000000',
    });
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([{ bids: [], asks: [['100.00', '0.000']] }]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '900.000000', locked: '0.000000' });
    expect(h.openOrderIds('alice')).toEqual([]);
  });

  it('that matches nothing emits only its expired ORDER', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');
    const before = h.state();

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { timeInForce: 'IOC' });

    // Assess
    expect(buy.events).toMatchObject([
      { type: 'ORDER', status: 'EXPIRED', reason: 'IOC_REMAINDER', filledQuantity: '0.000' },
    ]);
    expect(buy.events).toHaveLength(1);
    expect(h.state()).toBe(before);
  });
});

describe('fill-or-kill', () => {
  it('fills completely across levels within its limit', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '2', { timeInForce: 'FOK' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { price: '100.00', quantity: '1.000' },
      { price: '101.00', quantity: '1.000' },
    ]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      timeInForce: 'FOK',
      status: 'FILLED',
      filledQuantity: '2.000',
      filledQuote: '201.000000',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '799.000000', locked: '0.000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([]);
  });

  it('fills when the book within its limit holds exactly its quantity', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '0.5');

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1.5', { timeInForce: 'FOK' });

    // Assess
    expect(ofType(sell.events, 'ORDER').at(-1)).toMatchObject({ status: 'FILLED', filledQuantity: '1.500' });
    expect(h.depth('SOL_USDC').bids).toEqual([]);
  });

  it('that the book cannot fill within its limit expires with FOK_UNFILLABLE and changes nothing else', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '102.00', '1');
    const before = h.state();

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '2', { timeInForce: 'FOK' });

    // Assess
    expect(buy.code).toBeNull();
    expect(buy.events).toMatchObject([
      {
        type: 'ORDER',
        orderId: buy.seq,
        timeInForce: 'FOK',
        status: 'EXPIRED',
        reason: 'FOK_UNFILLABLE',
        filledQuantity: '0.000',
      },
    ]);
    expect(buy.events).toHaveLength(1);
    expect(h.state()).toBe(before);
  });

  it('sell that the bids cannot fill expires with FOK_UNFILLABLE and changes nothing else', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    const before = h.state();

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1.001', { timeInForce: 'FOK' });

    // Assess
    expect(sell.events).toMatchObject([{ type: 'ORDER', status: 'EXPIRED', reason: 'FOK_UNFILLABLE' }]);
    expect(sell.events).toHaveLength(1);
    expect(h.state()).toBe(before);
  });
});

describe('post-only', () => {
  it('rests like a GTC order when it would not take', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '99.99', '1', { postOnly: true });

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { postOnly: true, timeInForce: 'GTC', status: 'NEW' },
    ]);
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [['99.99', '1.000']], asks: [['100.00', '1.000']] });
  });

  it.each([
    ['a buy at the best ask', 'alice', 'BUY', '100.00'],
    ['a buy above the best ask', 'alice', 'BUY', '100.50'],
    ['a sell at the best bid', 'bob', 'SELL', '99.00'],
    ['a sell below the best bid', 'bob', 'SELL', '98.00'],
  ] as const)('is refused with WOULD_TAKE for %s, changing nothing', (_, account, side, price) => {
    // Prepare
    const h = funded();
    h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '99.00', '1');
    const before = h.state();

    // Act
    const order = h.limit(account, 'SOL_USDC', side, price, '1', { postOnly: true });

    // Assess
    expect(order.code).toBe('WOULD_TAKE');
    expect(order.events).toEqual([]);
    expect(h.state()).toBe(before);
  });

  it('is refused with WOULD_TAKE against the same account’s own resting order', () => {
    // Prepare
    const h = funded();
    h.deposit('alice', 'SOL', '1');
    h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { postOnly: true });

    // Assess
    expect(buy.code).toBe('WOULD_TAKE');
  });
});
