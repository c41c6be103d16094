import { Engine, type EngineSnapshot } from '@exchange/engine-service/core';
import { Harness, ofType, type Step } from './harness.js';

/**
 * Every kind of state: balances in several assets, fee balances, resting orders in
 * two markets (some with client order ids, one partly filled), trade ids in use, a
 * pending withdrawal (#13) and a completed one. Alice's SOL orders are #6 (99.00),
 * #8 (100.00), #9 (98.00) and the ask #16, so the book lists her bids 8, 6, 9.
 */
function busy(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '10000');
  h.deposit('alice', 'SOL', '5');
  h.deposit('bob', 'SOL', '10');
  h.deposit('carol', 'USDC', '5000');
  h.deposit('erin', 'ETH', '2');
  h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1', { clientOrderId: 'a-99' });
  h.limit('alice', 'ETH_USDC', 'BUY', '2000.00', '0.5');
  h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2', { clientOrderId: 'a-100' });
  h.limit('alice', 'SOL_USDC', 'BUY', '98.00', '1');
  h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '3', {
    clientOrderId: 'b-1',
    selfTradePrevention: 'EXPIRE_BOTH',
  });
  h.limit('carol', 'SOL_USDC', 'BUY', '101.00', '1');
  h.limit('erin', 'ETH_USDC', 'SELL', '2001.00', '1', { postOnly: true });
  h.withdraw('alice', 'USDC', '1000');
  h.withdraw('bob', 'SOL', '1');
  h.settle('bob', 14, 'COMPLETED');
  h.limit('alice', 'SOL_USDC', 'SELL', '105.00', '0.5');
  return h;
}

/** A snapshot as it comes back from storage: through JSON. */
function stored(snapshot: EngineSnapshot): EngineSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as EngineSnapshot;
}

describe('a restored snapshot', () => {
  it('gives back exactly the snapshot it was restored from', () => {
    // Prepare
    const h = busy();
    const snapshot = h.engine.snapshot();

    // Act
    const restored = Engine.restore(h.registry, stored(snapshot));

    // Assess
    expect(restored.snapshot()).toEqual(snapshot);
    expect(restored.sequence).toBe(16);
  });

  it('holds what was written: supply, pending withdrawals, a partly filled order and when it last changed', () => {
    // Prepare
    const h = busy();

    // Act
    const snapshot = stored(h.engine.snapshot());

    // Assess
    expect(snapshot.supply).toEqual([
      ['USDC', 15_000_000_000],
      ['SOL', 1_400_000_000],
      ['BTC', 0],
      ['ETH', 200_000_000],
    ]);
    expect(snapshot.withdrawals).toEqual([[13, 'alice', 'USDC', 1_000_000_000]]);
    expect(snapshot.markets[0]?.orders).toContainEqual([
      10,
      'bob',
      'SELL',
      false,
      'EXPIRE_BOTH',
      10_100,
      3_000,
      2_000,
      101_000_000,
      'b-1',
      1_700_000_010_000,
      null, // a plain order, changed since placed: by carol's fill at #11
      1_700_000_011_000,
    ]);
    expect(Engine.restore(h.registry, snapshot).order(10)).toMatchObject({
      status: 'PARTIALLY_FILLED',
      createdAt: 1_700_000_010_000,
      updatedAt: 1_700_000_011_000,
    });
  });

  it('behaves exactly like the engine it was taken from', () => {
    // Prepare
    const original = busy();
    const restored = Harness.restore(stored(original.engine.snapshot()));
    const commands: ((h: Harness) => Step)[] = [
      (h) => h.market('carol', 'SOL_USDC', 'BUY', { quantity: '2.5' }),
      (h) => h.limit('alice', 'SOL_USDC', 'BUY', '90.00', '1', { clientOrderId: 'a-99' }),
      (h) => h.cancel('alice', 'SOL_USDC', { clientOrderId: 'a-100' }),
      (h) => h.limit('bob', 'SOL_USDC', 'SELL', '99.00', '1.5'),
      (h) => h.settle('alice', 13, 'FAILED'),
      (h) => h.limit('erin', 'ETH_USDC', 'SELL', '2000.00', '0.5'),
      (h) => h.cancelAll('alice', 'SOL_USDC'),
      (h) => h.limit('alice', 'SOL_USDC', 'BUY', '90.00', '1', { clientOrderId: 'a-99' }),
    ];

    // Act
    const fromOriginal = commands.map((command) => command(original));
    const fromRestored = commands.map((command) => command(restored));

    // Assess
    expect(fromRestored).toEqual(fromOriginal);
    expect(restored.engine.snapshot()).toEqual(original.engine.snapshot());
    expect(fromRestored.map((step) => step.code)).toEqual([
      null,
      'DUPLICATE_CLIENT_ORDER_ID',
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(ofType(fromRestored[0]?.events ?? [], 'TRADE')).toMatchObject([
      { tradeId: 2, price: '101.00', quantity: '2.000', sellOrderId: 10 },
      { tradeId: 3, price: '105.00', quantity: '0.500', sellOrderId: 16 },
    ]);
  });

  it('cancels an account’s orders oldest first, not in book order', () => {
    // Prepare
    const restored = Harness.restore(stored(busy().engine.snapshot()));

    // Act
    const cancelAll = restored.cancelAll('alice', 'SOL_USDC');

    // Assess
    expect(ofType(cancelAll.events, 'ORDER').map((o) => o.orderId)).toEqual([6, 8, 9, 16]);
    expect(ofType(cancelAll.events, 'DEPTH')).toMatchObject([
      {
        updateId: 7,
        bids: [
          ['99.00', '0.000'],
          ['100.00', '0.000'],
          ['98.00', '0.000'],
        ],
        asks: [['105.00', '0.000']],
      },
    ]);
    expect(restored.openOrderIds('alice')).toEqual([7]);
  });

  it('is refused by an engine with another fee account', () => {
    // Prepare
    const h = busy();
    const snapshot = stored(h.engine.snapshot());

    // Act
    const restore = () => Engine.restore(h.registry, snapshot, { feeAccountId: 'other:fees' });

    // Assess
    expect(restore).toThrow('snapshot has another fee account');
  });
});
