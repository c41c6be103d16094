import { FEE_ACCOUNT_ID } from '@exchange/engine-service/core';
import { funded, ofType } from './harness.js';

describe('a limit order that crosses nothing', () => {
  it('rests a buy with price × quantity of USDC locked', () => {
    // Prepare
    const h = funded();

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Assess
    expect(buy.code).toBeNull();
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      {
        orderId: buy.seq,
        accountId: 'alice',
        side: 'BUY',
        orderType: 'LIMIT',
        timeInForce: 'GTC',
        price: '100.00',
        quantity: '2.000',
        quoteQuantity: null,
        filledQuantity: '0.000',
        filledQuote: '0.000000',
        status: 'NEW',
        reason: null,
      },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '800.000000', locked: '200.000000' });
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [['100.00', '2.000']], asks: [] });
  });

  it('rests a sell with its quantity of SOL locked', () => {
    // Prepare
    const h = funded();

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '2');

    // Assess
    expect(ofType(sell.events, 'ORDER')).toMatchObject([{ orderId: sell.seq, side: 'SELL', status: 'NEW' }]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '8.00000000', locked: '2.00000000' });
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [], asks: [['101.00', '2.000']] });
  });
});

describe('a limit order that crosses', () => {
  it('fills a buy against a larger resting sell, leaving the rest of the sell on the book', () => {
    // Prepare
    const h = funded();
    const ask = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '5');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Assess
    expect(buy.events).toMatchObject([
      {
        type: 'TRADE',
        market: 'SOL_USDC',
        tradeId: 1,
        price: '100.00',
        quantity: '2.000',
        quoteQuantity: '200.000000',
        buyOrderId: buy.seq,
        sellOrderId: ask.seq,
        buyerAccountId: 'alice',
        sellerAccountId: 'bob',
        takerSide: 'BUY',
        buyerFee: '0.00400000',
        sellerFee: '0.200000',
      },
      {
        type: 'ORDER',
        orderId: ask.seq,
        status: 'PARTIALLY_FILLED',
        filledQuantity: '2.000',
        filledQuote: '200.000000',
      },
      {
        type: 'ORDER',
        orderId: buy.seq,
        status: 'FILLED',
        filledQuantity: '2.000',
        filledQuote: '200.000000',
      },
      { type: 'DEPTH', updateId: 2, bids: [], asks: [['100.00', '3.000']] },
      {
        type: 'BALANCE',
        accountId: 'alice',
        asset: 'USDC',
        available: '800.000000',
        locked: '0.000000',
        availableDelta: '-200.000000',
        lockedDelta: '0.000000',
        cause: 'CREATE_ORDER',
      },
      { type: 'BALANCE', accountId: 'alice', asset: 'SOL', available: '1.99600000', locked: '0.00000000' },
      { type: 'BALANCE', accountId: 'bob', asset: 'SOL', available: '5.00000000', locked: '3.00000000' },
      { type: 'BALANCE', accountId: 'bob', asset: 'USDC', available: '199.800000', locked: '0.000000' },
      { type: 'BALANCE', accountId: FEE_ACCOUNT_ID, asset: 'SOL', available: '0.00400000' },
      { type: 'BALANCE', accountId: FEE_ACCOUNT_ID, asset: 'USDC', available: '0.200000' },
    ]);
    expect(buy.events).toHaveLength(10);
  });

  it('rests the unfilled part of a buy larger than the book as PARTIALLY_FILLED', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '3');

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { accountId: 'bob', status: 'FILLED', filledQuantity: '1.000' },
      { accountId: 'alice', status: 'PARTIALLY_FILLED', filledQuantity: '1.000', filledQuote: '100.000000' },
    ]);
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      { bids: [['100.00', '2.000']], asks: [['100.00', '0.000']] },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '700.000000', locked: '200.000000' });
    expect(h.openOrderIds('alice')).toEqual([buy.seq]);
  });

  it('sweeps several ask levels cheapest first, each fill at the maker price', () => {
    // Prepare
    const h = funded();
    const bob100 = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const carol101 = h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '1');
    const bob102 = h.limit('bob', 'SOL_USDC', 'SELL', '102.00', '2');
    h.limit('carol', 'SOL_USDC', 'SELL', '103.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '102.50', '3');

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      {
        tradeId: 1,
        price: '100.00',
        quantity: '1.000',
        quoteQuantity: '100.000000',
        sellOrderId: bob100.seq,
      },
      {
        tradeId: 2,
        price: '101.00',
        quantity: '1.000',
        quoteQuantity: '101.000000',
        sellOrderId: carol101.seq,
      },
      {
        tradeId: 3,
        price: '102.00',
        quantity: '1.000',
        quoteQuantity: '102.000000',
        sellOrderId: bob102.seq,
      },
    ]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: bob100.seq, status: 'FILLED' },
      { orderId: carol101.seq, status: 'FILLED' },
      { orderId: bob102.seq, status: 'PARTIALLY_FILLED', filledQuantity: '1.000' },
      { orderId: buy.seq, status: 'FILLED', filledQuantity: '3.000', filledQuote: '303.000000' },
    ]);
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      {
        bids: [],
        asks: [
          ['100.00', '0.000'],
          ['101.00', '0.000'],
          ['102.00', '1.000'],
        ],
      },
    ]);
    expect(h.depth('SOL_USDC')).toMatchObject({
      bids: [],
      asks: [
        ['102.00', '1.000'],
        ['103.00', '1.000'],
      ],
    });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '2.99400000', locked: '0.00000000' });
  });

  it('fills orders at one price oldest first', () => {
    // Prepare
    const h = funded();
    const first = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const second = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1.5');

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { sellOrderId: first.seq, quantity: '1.000' },
      { sellOrderId: second.seq, quantity: '0.500' },
    ]);
    expect(ofType(buy.events, 'ORDER')).toMatchObject([
      { orderId: first.seq, status: 'FILLED' },
      { orderId: second.seq, status: 'PARTIALLY_FILLED', filledQuantity: '0.500' },
      { orderId: buy.seq, status: 'FILLED' },
    ]);
    expect(h.depth('SOL_USDC').asks).toEqual([['100.00', '0.500']]);
  });

  it('does not fill a buy against asks above its limit price', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.01', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');

    // Assess
    expect(ofType(buy.events, 'TRADE')).toEqual([]);
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [['100.00', '1.000']], asks: [['100.01', '1.000']] });
  });

  it('sweeps bids highest first at their prices when a sell crosses, the seller paying the taker fee in USDC', () => {
    // Prepare
    const h = funded();
    const alice101 = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '1');
    const dave100 = h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '98.00', '1');

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '99.00', '2');

    // Assess
    expect(ofType(sell.events, 'TRADE')).toMatchObject([
      {
        price: '101.00',
        quantity: '1.000',
        buyOrderId: alice101.seq,
        sellOrderId: sell.seq,
        takerSide: 'SELL',
        buyerFee: '0.00100000',
        sellerFee: '0.202000',
      },
      {
        price: '100.00',
        quantity: '1.000',
        buyOrderId: dave100.seq,
        sellOrderId: sell.seq,
        takerSide: 'SELL',
        buyerFee: '0.00100000',
        sellerFee: '0.200000',
      },
    ]);
    expect(h.balance('bob', 'USDC')).toEqual({ available: '200.598000', locked: '0.000000' });
    expect(h.balance('bob', 'SOL')).toEqual({ available: '8.00000000', locked: '0.00000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '0.99900000', locked: '0.00000000' });
    expect(h.balance('dave', 'SOL')).toEqual({ available: '0.99900000', locked: '0.00000000' });
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [['98.00', '1.000']], asks: [] });
  });
});
