import fc from 'fast-check';
import type { Account } from '../../src/core/account.js';
import { type Order, OrderPool, type OrderTerms } from '../../src/core/order.js';
import { OrderIndex } from '../../src/core/order-index.js';

const pool = new OrderPool();
const account = { id: 'a' } as Account;
const terms: OrderTerms = {
  side: 'BUY',
  orderType: 'LIMIT',
  timeInForce: 'GTC',
  postOnly: false,
  selfTradePrevention: 'EXPIRE_MAKER',
  price: 1,
  quantity: 1,
  quoteQuantity: 0,
  clientOrderId: null,
};

function order(id: number): Order {
  return pool.acquire(id, account, 'M', terms, 0);
}

describe('OrderIndex', () => {
  it('finds an old order that a newer one pushed out of its slot', () => {
    // Prepare: 4 slots, so ids 1 and 5 share one
    const index = new OrderIndex(2);
    const old = order(1);
    const young = order(5);
    index.add(old);

    // Act
    index.add(young);

    // Assess
    expect(index.get(1)).toBe(old);
    expect(index.get(5)).toBe(young);
    expect(index.get(9)).toBeUndefined();
    index.delete(old);
    expect(index.get(1)).toBeUndefined();
    expect(index.get(5)).toBe(young);
    expect(index.size).toBe(1);
  });

  it('agrees with a Map through any adds and deletes of increasing ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(40), fc.nat(30)), { maxLength: 300 }),
        (operations) => {
          const index = new OrderIndex(3);
          const model = new Map<number, Order>();
          let id = 1;
          for (const [add, step, pick] of operations) {
            if (add || model.size === 0) {
              id += 1 + step;
              const o = order(id);
              index.add(o);
              model.set(id, o);
            } else {
              const victim = [...model.values()][pick % model.size] as Order;
              index.delete(victim);
              model.delete(victim.id);
            }
          }
          for (let probe = 1; probe <= id + 8; probe++) expect(index.get(probe)).toBe(model.get(probe));
          expect(index.size).toBe(model.size);
        },
      ),
      { seed: 9, numRuns: 300 },
    );
  });
});
