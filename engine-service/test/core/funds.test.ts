import { FEE_ACCOUNT_ID } from '@exchange/engine-service/core';
import { createMarketRegistry } from '@exchange/protocol';
import { Harness, ofType } from './harness.js';

describe('deposits', () => {
  it('credit the available balance and grow the asset’s supply', () => {
    // Prepare
    const h = new Harness();

    // Act
    const deposit = h.deposit('alice', 'USDC', '1000');

    // Assess
    expect(deposit.events).toMatchObject([
      {
        type: 'BALANCE',
        accountId: 'alice',
        asset: 'USDC',
        available: '1000.000000',
        locked: '0.000000',
        availableDelta: '1000.000000',
        lockedDelta: '0.000000',
        cause: 'DEPOSIT',
      },
    ]);
    expect(h.engine.snapshot().supply).toEqual([
      ['USDC', 1_000_000_000],
      ['SOL', 0],
      ['BTC', 0],
      ['ETH', 0],
    ]);
  });

  it('add to what the account already holds', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'SOL', '1.5');

    // Act
    const deposit = h.deposit('alice', 'SOL', '0.00000001');

    // Assess
    expect(deposit.events).toMatchObject([
      { type: 'BALANCE', available: '1.50000001', availableDelta: '0.00000001', lockedDelta: '0.00000000' },
    ]);
  });
});

describe('withdrawals', () => {
  function withPending(): { h: Harness; withdrawalId: number } {
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    const request = h.withdraw('alice', 'USDC', '300');
    return { h, withdrawalId: request.seq };
  }

  it('lock the amount when requested, under a withdrawal id that is the command’s sequence', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');

    // Act
    const request = h.withdraw('alice', 'USDC', '300');

    // Assess
    expect(request.seq).toBe(2);
    expect(request.events).toMatchObject([
      {
        type: 'WITHDRAWAL',
        withdrawalId: 2,
        accountId: 'alice',
        asset: 'USDC',
        amount: '300.000000',
        status: 'PENDING',
      },
      {
        type: 'BALANCE',
        available: '700.000000',
        locked: '300.000000',
        availableDelta: '-300.000000',
        lockedDelta: '300.000000',
        cause: 'WITHDRAW',
      },
    ]);
    expect(h.engine.snapshot().withdrawals).toEqual([[2, 'alice', 'USDC', 300_000_000]]);
  });

  it('that complete spend the locked amount and shrink the supply', () => {
    // Prepare
    const { h, withdrawalId } = withPending();

    // Act
    const settle = h.settle('alice', withdrawalId, 'COMPLETED');

    // Assess
    expect(settle.events).toMatchObject([
      { type: 'WITHDRAWAL', withdrawalId, amount: '300.000000', status: 'COMPLETED' },
      {
        type: 'BALANCE',
        available: '700.000000',
        locked: '0.000000',
        availableDelta: '0.000000',
        lockedDelta: '-300.000000',
        cause: 'SETTLE_WITHDRAWAL',
      },
    ]);
    expect(h.engine.snapshot().supply[0]).toEqual(['USDC', 700_000_000]);
    expect(h.engine.snapshot().withdrawals).toEqual([]);
  });

  it('that fail give the amount back and leave the supply as it was', () => {
    // Prepare
    const { h, withdrawalId } = withPending();

    // Act
    const settle = h.settle('alice', withdrawalId, 'FAILED');

    // Assess
    expect(settle.events).toMatchObject([
      { type: 'WITHDRAWAL', withdrawalId, amount: '300.000000', status: 'FAILED' },
      {
        type: 'BALANCE',
        available: '1000.000000',
        locked: '0.000000',
        availableDelta: '300.000000',
        lockedDelta: '-300.000000',
      },
    ]);
    expect(h.engine.snapshot().supply[0]).toEqual(['USDC', 1_000_000_000]);
  });

  it('cannot be settled twice', () => {
    // Prepare
    const { h, withdrawalId } = withPending();
    h.settle('alice', withdrawalId, 'COMPLETED');
    const before = h.state();

    // Act
    const again = h.settle('alice', withdrawalId, 'FAILED');

    // Assess
    expect(again).toMatchObject({ code: 'UNKNOWN_WITHDRAWAL', events: [] });
    expect(h.state()).toBe(before);
  });

  it('cannot be settled under another account', () => {
    // Prepare
    const { h, withdrawalId } = withPending();
    h.deposit('bob', 'USDC', '1');
    const before = h.state();

    // Act
    const settle = h.settle('bob', withdrawalId, 'COMPLETED');

    // Assess
    expect(settle).toMatchObject({ code: 'UNKNOWN_WITHDRAWAL', events: [] });
    expect(h.state()).toBe(before);
  });

  it('cannot take funds an open order holds', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Act
    const tooMuch = h.withdraw('alice', 'USDC', '800.000001');
    const all = h.withdraw('alice', 'USDC', '800');

    // Assess
    expect(tooMuch.code).toBe('INSUFFICIENT_FUNDS');
    expect(all.code).toBeNull();
    expect(h.balance('alice', 'USDC')).toEqual({ available: '0.000000', locked: '1000.000000' });
  });
});

describe('fees', () => {
  it('charge the taker 20 bps and the maker 10 bps, each in the asset it receives, into the fee account', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Assess
    expect(ofType(sell.events, 'TRADE')).toMatchObject([
      { takerSide: 'SELL', buyerFee: '0.00100000', sellerFee: '0.200000' },
    ]);
    expect(h.balance('alice', 'SOL')).toEqual({ available: '0.99900000', locked: '0.00000000' });
    expect(h.balance('bob', 'USDC')).toEqual({ available: '99.800000', locked: '0.000000' });
    expect(h.balance(FEE_ACCOUNT_ID, 'SOL')).toEqual({ available: '0.00100000', locked: '0.00000000' });
    expect(h.balance(FEE_ACCOUNT_ID, 'USDC')).toEqual({ available: '0.200000', locked: '0.000000' });
  });

  it('round the maker’s fee up to a whole minor unit', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.01', '0.011');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.01', '0.011');

    // Assess
    expect(ofType(buy.events, 'TRADE')).toMatchObject([
      { quoteQuantity: '1.100110', buyerFee: '0.00002200', sellerFee: '0.001101' },
    ]);
    expect(h.balance('bob', 'USDC')).toEqual({ available: '1.099009', locked: '0.000000' });
    expect(h.balance('alice', 'SOL')).toEqual({ available: '0.01097800', locked: '0.00000000' });
    expect(h.balance(FEE_ACCOUNT_ID, 'USDC')).toEqual({ available: '0.001101', locked: '0.000000' });
  });

  it('round the taker’s fee up to a whole minor unit', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.01', '0.011');

    // Act
    const sell = h.limit('bob', 'SOL_USDC', 'SELL', '100.01', '0.011');

    // Assess
    expect(ofType(sell.events, 'TRADE')).toMatchObject([{ buyerFee: '0.00001100', sellerFee: '0.002201' }]);
    expect(h.balance('bob', 'USDC')).toEqual({ available: '1.097909', locked: '0.000000' });
  });

  describe('in a market with a coarse base asset and no maker fee', () => {
    const registry = createMarketRegistry(
      [
        { symbol: 'USDC', decimals: 6 },
        { symbol: 'FOO', decimals: 3 },
      ],
      [
        {
          symbol: 'FOO_USDC',
          base: 'FOO',
          quote: 'USDC',
          tickSize: '0.01',
          stepSize: '0.001',
          minNotional: '1',
          maxPrice: '1000000',
          maxQuantity: '1000000',
          makerFeeBps: 0,
          takerFeeBps: 20,
        },
      ],
    );

    it('round the buyer’s base fee up, and credit nothing for a zero fee', () => {
      // Prepare
      const h = new Harness(registry);
      h.deposit('alice', 'USDC', '100');
      h.deposit('bob', 'FOO', '1');
      h.limit('bob', 'FOO_USDC', 'SELL', '10.00', '0.7');

      // Act
      const buy = h.limit('alice', 'FOO_USDC', 'BUY', '10.00', '0.7');

      // Assess
      expect(ofType(buy.events, 'TRADE')).toMatchObject([
        { quoteQuantity: '7.000000', buyerFee: '0.002', sellerFee: '0.000000' },
      ]);
      expect(ofType(buy.events, 'BALANCE').map((b) => [b.accountId, b.asset, b.available])).toEqual([
        ['alice', 'USDC', '93.000000'],
        ['alice', 'FOO', '0.698'],
        ['bob', 'FOO', '0.300'],
        ['bob', 'USDC', '7.000000'],
        [FEE_ACCOUNT_ID, 'FOO', '0.002'],
      ]);
    });
  });
});

describe('what an order locks', () => {
  it('a limit buy may lock all of the available quote, exactly price × quantity', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '200');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Assess
    expect(buy.code).toBeNull();
    expect(h.balance('alice', 'USDC')).toEqual({ available: '0.000000', locked: '200.000000' });
  });

  it('a limit buy one minor unit short is refused with INSUFFICIENT_FUNDS', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '199.999999');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Assess
    expect(buy).toMatchObject({ code: 'INSUFFICIENT_FUNDS', events: [] });
  });

  it('a limit sell locks its quantity of base and no more than is available', () => {
    // Prepare
    const h = new Harness();
    h.deposit('bob', 'SOL', '2');

    // Act
    const tooMuch = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '2.001');
    const all = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '2');

    // Assess
    expect(tooMuch.code).toBe('INSUFFICIENT_FUNDS');
    expect(all.code).toBeNull();
    expect(h.balance('bob', 'SOL')).toEqual({ available: '0.00000000', locked: '2.00000000' });
  });

  it('a market buy by quote amount needs that whole amount available, however little the book asks', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '100');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '10.00', '1');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quoteQuantity: '100.000001' });

    // Assess
    expect(buy).toMatchObject({ code: 'INSUFFICIENT_FUNDS', events: [] });
  });

  it('a market buy by quantity may spend all available quote', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '10');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '10' });

    // Assess
    expect(ofType(buy.events, 'ORDER').at(-1)).toMatchObject({
      status: 'FILLED',
      filledQuote: '1000.000000',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '0.000000', locked: '0.000000' });
  });

  it.each([
    [
      'a market buy by quantity with no quote available',
      (h: Harness) => h.market('alice', 'SOL_USDC', 'BUY', { quantity: '1' }),
    ],
    [
      'a market sell by quote amount with no base available',
      (h: Harness) => h.market('bob', 'SOL_USDC', 'SELL', { quoteQuantity: '10' }),
    ],
    [
      'a market sell by quantity beyond the available base',
      (h: Harness) => h.market('carol', 'SOL_USDC', 'SELL', { quantity: '1.001' }),
    ],
    [
      'an order from an account that never deposited',
      (h: Harness) => h.limit('zed', 'SOL_USDC', 'BUY', '100.00', '1'),
    ],
  ])('%s is refused with INSUFFICIENT_FUNDS', (_, act) => {
    // Prepare: alice's USDC all held by an order, bob's SOL likewise, carol holds 1 SOL
    const h = new Harness();
    h.deposit('alice', 'USDC', '100');
    h.deposit('bob', 'SOL', '1');
    h.deposit('carol', 'SOL', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '200.00', '1');
    const before = h.state();

    // Act
    const order = act(h);

    // Assess
    expect(order).toMatchObject({ code: 'INSUFFICIENT_FUNDS', events: [] });
    expect(h.state()).toBe(before);
  });
});

describe('price improvement', () => {
  it('is given back when a buy fills below its limit', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '102.50', '2');

    // Assess
    expect(ofType(buy.events, 'BALANCE')[0]).toMatchObject({
      accountId: 'alice',
      asset: 'USDC',
      available: '799.000000',
      locked: '0.000000',
      availableDelta: '-201.000000',
      lockedDelta: '0.000000',
    });
  });

  it('is given back when a buy fills in part and rests, keeping exactly limit × remainder locked', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '102.00', '3');

    // Assess
    expect(ofType(buy.events, 'BALANCE')[0]).toMatchObject({
      available: '696.000000',
      locked: '204.000000',
      availableDelta: '-304.000000',
      lockedDelta: '204.000000',
    });
  });

  it('is given back with the remainder of an immediate-or-cancel buy', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    h.limit('alice', 'SOL_USDC', 'BUY', '105.00', '2', { timeInForce: 'IOC' });

    // Assess
    expect(h.balance('alice', 'USDC')).toEqual({ available: '900.000000', locked: '0.000000' });
  });
});
