import { funded, Harness, ofType } from './harness.js';

describe('a market order sized by base quantity', () => {
  it('buys across ask levels at their prices and spends only what it bought', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '2');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '2' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { price: '100.00', quantity: '1.000', sellerAccountId: 'bob', buyerFee: '0.00200000' },
      { price: '101.00', quantity: '1.000', sellerAccountId: 'carol', buyerFee: '0.00200000' },
    ]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      orderId: buy.seq,
      orderType: 'MARKET',
      timeInForce: 'IOC',
      price: null,
      quantity: '2.000',
      quoteQuantity: null,
      filledQuantity: '2.000',
      filledQuote: '201.000000',
      status: 'FILLED',
      reason: null,
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '799.000000', locked: '0.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '1.99600000', locked: '0.00000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([['101.00', '1.000']]);
  });

  it('sells across bid levels at their prices', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '99.00', '1');

    // Act
    const sell = h.market('bob', 'SOL_USDC', 'SELL', { quantity: '1.5' });

    // Assess
    expect(ofType(sell.events, 'TRADE')).toMatchObject([
      { price: '100.00', quantity: '1.000', quoteQuantity: '100.000000', sellerFee: '0.200000' },
      { price: '99.00', quantity: '0.500', quoteQuantity: '49.500000', sellerFee: '0.099000' },
    ]);
    expect(ofType(sell.events, 'ORDER').at(-1)).toMatchObject({
      status: 'FILLED',
      filledQuote: '149.500000',
    });
    expect(h.balance('bob', 'USDC')).toEqual({ available: '149.201000', locked: '0.000000' });
    expect(h.balance('bob', 'SOL')).toEqual({ available: '8.50000000', locked: '0.00000000' });
    expect(h.depth('SOL_USDC').bids).toEqual([['99.00', '0.500']]);
  });

  it('expires a buy with NO_LIQUIDITY, keeping its fills, when the book runs out', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '3' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toHaveLength(1);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQuantity: '1.000',
      filledQuote: '100.000000',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '900.000000', locked: '0.000000' });
  });

  it('expires a sell with NO_LIQUIDITY and gives back the SOL it did not sell', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');

    // Act
    const sell = h.market('bob', 'SOL_USDC', 'SELL', { quantity: '3' });

    // Assess
    expect(ofType(sell.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQuantity: '1.000',
    });
    expect(h.balance('bob', 'SOL')).toEqual({ available: '9.00000000', locked: '0.00000000' });
  });

  it('expires on an empty book with one ORDER event and no funds moved', () => {
    // Prepare
    const h = funded();

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '1' });

    // Assess
    expect(buy.code).toBeNull();
    expect(buy.events).toMatchObject([
      { type: 'ORDER', orderId: buy.seq, status: 'EXPIRED', reason: 'NO_LIQUIDITY', filledQuantity: '0.000' },
    ]);
    expect(buy.events).toHaveLength(1);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '1000.000000', locked: '0.000000' });
    expect(h.depth('SOL_USDC').lastUpdateId).toBe(0);
  });

  it('expires a buy with INSUFFICIENT_FUNDS once its USDC is spent, having bought what it could afford', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '150');
    h.deposit('bob', 'SOL', '10');
    h.deposit('carol', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '2' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { sellerAccountId: 'bob', quantity: '1.000' },
      { sellerAccountId: 'carol', quantity: '0.500' },
    ]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_FUNDS',
      filledQuantity: '1.500',
      filledQuote: '150.000000',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '0.000000', locked: '0.000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([['100.00', '0.500']]);
  });
});

describe('a market buy sized by quote amount', () => {
  it('stops inside a level when the next lot no longer fits and ends FILLED', () => {
    // Prepare
    const h = funded();
    const ask = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '2');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '150.05' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { price: '100.00', quantity: '1.500', quoteQuantity: '150.000000', buyerFee: '0.00300000' },
    ]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: ask.seq, status: 'PARTIALLY_FILLED', filledQuantity: '1.500' },
      {
        orderId: buy.seq,
        price: null,
        quantity: null,
        quoteQuantity: '150.050000',
        filledQuantity: '1.500',
        filledQuote: '150.000000',
        status: 'FILLED',
        reason: null,
      },
    ]);
    expect(h.depth('SOL_USDC').asks).toEqual([['100.00', '0.500']]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '850.000000', locked: '0.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '1.49700000', locked: '0.00000000' });
  });

  it('stops before a level whose first lot costs more than what is left and ends FILLED', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '150.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '100.10' });

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([{ price: '100.00', quantity: '1.000' }]);
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({ status: 'FILLED', filledQuote: '100.000000' });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '900.000000', locked: '0.000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([['150.00', '1.000']]);
  });

  it('ends FILLED when it spends its whole quote amount on the last lots of the book', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '100' });

    // Assess
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      filledQuantity: '1.000',
      filledQuote: '100.000000',
      status: 'FILLED',
      reason: null,
    });
  });

  it('expires with NO_LIQUIDITY and returns the unspent quote when the book runs out', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '500' });

    // Assess
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQuantity: '1.000',
      filledQuote: '100.000000',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '900.000000', locked: '0.000000' });
  });

  it('expires with NO_LIQUIDITY when not even one lot fits its quote amount', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '1000.01', '0.001');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '1' });

    // Assess
    expect(buy.events).toMatchObject([{ type: 'ORDER', status: 'EXPIRED', reason: 'NO_LIQUIDITY' }]);
    expect(buy.events).toHaveLength(1);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '1000.000000', locked: '0.000000' });
  });
});

describe('a market sell sized by quote amount', () => {
  it('sells until the quote amount is reached and ends FILLED, returning the unsold SOL', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '90.00', '2');

    // Act
    const sell = h.market('bob', 'SOL_USDC', 'SELL', { quoteQuantity: '190' });

    // Assess
    expect(ofType(sell.events, 'TRADE')).toMatchObject([
      { price: '100.00', quantity: '1.000', quoteQuantity: '100.000000', sellerFee: '0.200000' },
      { price: '90.00', quantity: '1.000', quoteQuantity: '90.000000', sellerFee: '0.180000' },
    ]);
    expect(ofType(sell.events, 'ORDER').at(-1)).toMatchObject({
      quantity: null,
      quoteQuantity: '190.000000',
      filledQuantity: '2.000',
      filledQuote: '190.000000',
      status: 'FILLED',
    });
    expect(h.balance('bob', 'SOL')).toEqual({ available: '8.00000000', locked: '0.00000000' });
    expect(h.balance('bob', 'USDC')).toEqual({ available: '189.620000', locked: '0.000000' });
    expect(h.depth('SOL_USDC').bids).toEqual([['90.00', '1.000']]);
  });

  it('expires with INSUFFICIENT_FUNDS when it runs out of SOL first', () => {
    // Prepare
    const h = funded();
    h.deposit('erin', 'SOL', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Act
    const sell = h.market('erin', 'SOL_USDC', 'SELL', { quoteQuantity: '150' });

    // Assess
    expect(ofType(sell.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_FUNDS',
      filledQuantity: '1.000',
      filledQuote: '100.000000',
    });
    expect(h.balance('erin', 'SOL')).toEqual({ available: '0.00000000', locked: '0.00000000' });
    expect(h.balance('erin', 'USDC')).toEqual({ available: '99.800000', locked: '0.000000' });
  });
});
