import { Harness, ofType } from './harness.js';

/** Alice trades both sides; bob and carol sell, dave buys. */
function funded(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('alice', 'SOL', '5');
  h.deposit('bob', 'SOL', '10');
  h.deposit('carol', 'SOL', '10');
  h.deposit('dave', 'USDC', '1000');
  return h;
}

describe('EXPIRE_MAKER, the default', () => {
  it('expires the account’s own resting sell, releasing its SOL, and goes on to fill the next maker', () => {
    // Prepare
    const h = funded();
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const other = h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '1');

    // Assess
    expect(buy.events.map((e) => e.type)).toEqual([
      'ORDER',
      'TRADE',
      'ORDER',
      'ORDER',
      'DEPTH',
      'BALANCE',
      'BALANCE',
      'BALANCE',
      'BALANCE',
      'BALANCE',
      'BALANCE',
    ]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION', filledQuantity: '0.000' },
      { orderId: other.seq, status: 'FILLED' },
      { orderId: buy.seq, status: 'FILLED', selfTradePrevention: 'EXPIRE_MAKER', filledQuote: '101.000000' },
    ]);
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ price: '101.00', sellOrderId: other.seq }]);
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      {
        asks: [
          ['100.00', '0.000'],
          ['101.00', '0.000'],
        ],
      },
    ]);
    expect(h.balance('alice', 'SOL')).toEqual({ available: '5.99800000', locked: '0.00000000' });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '899.000000', locked: '0.000000' });
  });

  it('expires the account’s own resting buy when it sells, releasing its USDC', () => {
    // Prepare
    const h = funded();
    const own = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '99.00', '1');

    // Act
    const sell = h.limit('alice', 'SOL_USDC', 'SELL', '99.00', '1');

    // Assess
    expect(ofType(sell.events, 'ORDER')).toMatchObject([
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' },
      { accountId: 'dave', status: 'FILLED' },
      { orderId: sell.seq, status: 'FILLED' },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '1098.802000', locked: '0.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '4.00000000', locked: '0.00000000' });
  });

  it('skips the account’s own maker queued between other accounts’ makers at one price', () => {
    // Prepare
    const h = funded();
    const bob = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3');

    // Assess
    expect(buy.events.map((e) => e.type).slice(0, 7)).toEqual([
      'TRADE',
      'ORDER',
      'ORDER',
      'TRADE',
      'ORDER',
      'ORDER',
      'DEPTH',
    ]);
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ sellOrderId: bob.seq }, { sellOrderId: carol.seq }]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: bob.seq, status: 'FILLED' },
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' },
      { orderId: carol.seq, status: 'FILLED' },
      { orderId: buy.seq, status: 'PARTIALLY_FILLED', filledQuantity: '2.000', filledQuote: '200.000000' },
    ]);
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      { bids: [['100.00', '1.000']], asks: [['100.00', '0.000']] },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '700.000000', locked: '100.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '6.99600000', locked: '0.00000000' });
  });

  it('expires the own maker of a market order too', () => {
    // Prepare
    const h = funded();
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '1' });

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' },
      { accountId: 'bob', status: 'FILLED' },
      { orderId: buy.seq, status: 'FILLED', filledQuote: '101.000000' },
    ]);
  });
});

describe('EXPIRE_TAKER', () => {
  it('stops at the account’s own maker and expires the taker, keeping its earlier fills and the maker', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '99.00', '1');
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3', { selfTradePrevention: 'EXPIRE_TAKER' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ price: '99.00', sellerAccountId: 'bob' }]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { accountId: 'bob', status: 'FILLED' },
      {
        orderId: buy.seq,
        status: 'EXPIRED',
        reason: 'SELF_TRADE_PREVENTION',
        filledQuantity: '1.000',
        filledQuote: '99.000000',
      },
    ]);
    expect(h.openOrderIds('alice')).toEqual([own.seq]);
    expect(h.openOrderIds('carol')).toEqual([carol.seq]);
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [], asks: [['100.00', '2.000']] });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '901.000000', locked: '0.000000' });
  });

  it('stops at the own maker queued behind another account’s maker at the same price', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3', { selfTradePrevention: 'EXPIRE_TAKER' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ sellerAccountId: 'bob' }]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'SELF_TRADE_PREVENTION',
      filledQuantity: '1.000',
    });
    expect(h.openOrderIds('alice')).toEqual([own.seq]);
    expect(h.openOrderIds('carol')).toEqual([carol.seq]);
    expect(h.depth('SOL_USDC').asks).toEqual([['100.00', '2.000']]);
  });

  it('that meets its own maker first expires with no trade and no funds moved', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const before = h.state();

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { selfTradePrevention: 'EXPIRE_TAKER' });

    // Assess
    expect(buy.events).toMatchObject([{ type: 'ORDER', status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' }]);
    expect(buy.events).toHaveLength(1);
    expect(h.state()).toBe(before);
  });
});

describe('EXPIRE_BOTH', () => {
  it('expires the account’s own maker, then stops and expires the taker', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '99.00', '1');
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3', { selfTradePrevention: 'EXPIRE_BOTH' });

    // Assess
    expect(buy.events.map((e) => e.type).slice(0, 5)).toEqual(['TRADE', 'ORDER', 'ORDER', 'ORDER', 'DEPTH']);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { accountId: 'bob', status: 'FILLED' },
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' },
      { orderId: buy.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION', filledQuantity: '1.000' },
    ]);
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      {
        bids: [],
        asks: [
          ['99.00', '0.000'],
          ['100.00', '1.000'],
        ],
      },
    ]);
    expect(h.openOrderIds('alice')).toEqual([]);
    expect(h.openOrderIds('carol')).toEqual([carol.seq]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '901.000000', locked: '0.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '5.99800000', locked: '0.00000000' });
  });

  it('stops at the own maker queued behind another account’s maker, leaving later makers untouched', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3', { selfTradePrevention: 'EXPIRE_BOTH' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ sellerAccountId: 'bob' }]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({ status: 'EXPIRED', filledQuantity: '1.000' });
    expect(h.openOrderIds('alice')).toEqual([]);
    expect(h.openOrderIds('carol')).toEqual([carol.seq]);
    expect(h.depth('SOL_USDC').asks).toEqual([['100.00', '1.000']]);
  });
});

describe('fill-or-kill with the account’s own maker in the way', () => {
  it('counts past the own maker under EXPIRE_MAKER, expires it and fills', () => {
    // Prepare
    const h = funded();
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { timeInForce: 'FOK' });

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: own.seq, status: 'EXPIRED', reason: 'SELF_TRADE_PREVENTION' },
      { accountId: 'bob', status: 'FILLED' },
      { orderId: buy.seq, status: 'FILLED' },
    ]);
  });

  it.each(['EXPIRE_TAKER', 'EXPIRE_BOTH'] as const)(
    'is unfillable under %s even with enough other liquidity behind it',
    (selfTradePrevention) => {
      // Prepare
      const h = funded();
      h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');
      h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
      const before = h.state();

      // Act
      const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', {
        timeInForce: 'FOK',
        selfTradePrevention,
      });

      // Assess
      expect(buy.events).toMatchObject([{ type: 'ORDER', status: 'EXPIRED', reason: 'FOK_UNFILLABLE' }]);
      expect(buy.events).toHaveLength(1);
      expect(h.state()).toBe(before);
    },
  );

  it('fills under EXPIRE_TAKER when other makers cover it before the own maker is reached', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const own = h.limit('alice', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', {
      timeInForce: 'FOK',
      selfTradePrevention: 'EXPIRE_TAKER',
    });

    // Assess
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({ status: 'FILLED' });
    expect(h.openOrderIds('alice')).toEqual([own.seq]);
  });
});
