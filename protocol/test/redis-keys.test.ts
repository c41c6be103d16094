import { balancesReadModelOf, createMarketRegistry, openOrdersReadModelOf, redisKeys } from '../src/index.js';

const registry = createMarketRegistry();

/** An open order's JSON as the engine writes it into `orders:{accountId}`. */
function openOrder(orderId: number) {
  return {
    market: 'SOL_USDC',
    orderId,
    accountId: 'a-1',
    clientOrderId: null,
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    postOnly: false,
    selfTradePrevention: 'EXPIRE_MAKER',
    price: '100.00',
    quantity: '1.000',
    quoteQuantity: null,
    filledQuantity: '0.000',
    filledQuote: '0.000000',
    status: 'NEW',
    reason: null,
    createdAt: 1_000 + orderId,
  };
}

describe('redisKeys', () => {
  it('hangs every key and channel off the prefix, the engine lease included', () => {
    // Act
    const keys = redisKeys('t-1:');

    // Assess
    expect([keys.orders('a-1'), keys.balances('a-1'), keys.engineLease, keys.accountChannel('a-1')]).toEqual([
      't-1:orders:a-1',
      't-1:balances:a-1',
      't-1:engine:lease',
      't-1:md:account@a-1',
    ]);
    expect(keys.streamOf('t-1:md:trades@SOL_USDC')).toBe('trades@SOL_USDC');
    expect(redisKeys().engineLease).toBe('engine:lease');
  });
});

describe('account read-model hashes', () => {
  it('shows every asset in registry order, zero at its decimals where the hash has no field', () => {
    // Act
    const model = balancesReadModelOf('a-1', registry.assets, {
      seq: '42',
      SOL: '{"available":"1.50000000","locked":"0.25000000"}',
    });

    // Assess
    expect(model).toEqual({
      accountId: 'a-1',
      seq: 42,
      balances: [
        { asset: 'USDC', available: '0.000000', locked: '0.000000' },
        { asset: 'SOL', available: '1.50000000', locked: '0.25000000' },
        { asset: 'BTC', available: '0.00000000', locked: '0.00000000' },
        { asset: 'ETH', available: '0.00000000', locked: '0.00000000' },
      ],
    });
  });

  it('lists resting orders oldest first whatever order the hash returns them in', () => {
    // Act
    const model = openOrdersReadModelOf('a-1', {
      '12': JSON.stringify(openOrder(12)),
      seq: '9',
      '3': JSON.stringify(openOrder(3)),
      '100': JSON.stringify(openOrder(100)),
    });

    // Assess
    expect(model.seq).toBe(9);
    expect(model.orders.map((o) => o.orderId)).toEqual([3, 12, 100]);
  });

  it('reads an absent key (an empty hash) as the empty state at seq 0', () => {
    // Act & Assess
    expect(openOrdersReadModelOf('a-2', {})).toEqual({ accountId: 'a-2', seq: 0, orders: [] });
    expect(balancesReadModelOf('a-2', registry.assets, {}).seq).toBe(0);
  });
});
