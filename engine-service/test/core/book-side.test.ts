import fc from 'fast-check';
import type { Account } from '../../src/core/account.js';
import { BookSide } from '../../src/core/book-side.js';
import { type Order, OrderPool } from '../../src/core/order.js';

const pool = new OrderPool();
const account = { id: 'a' } as Account;

function order(id: number, price: number, lots: number, isBid: boolean): Order {
  return pool.acquire(
    id,
    account,
    'M',
    {
      side: isBid ? 'BUY' : 'SELL',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      postOnly: false,
      selfTradePrevention: 'EXPIRE_MAKER',
      price,
      quantity: lots,
      quoteQuantity: 0,
      clientOrderId: null,
    },
    0,
  );
}

/** Prices straddling page boundaries (1024 ticks), far apart pages, and the extremes. */
const prices = fc.oneof(
  fc.integer({ min: 1, max: 40 }),
  fc.integer({ min: 1010, max: 1040 }),
  fc.integer({ min: 2040, max: 2060 }),
  fc.integer({ min: 100_000, max: 100_010 }),
  fc.constantFrom(1023, 1024, 2047, 2048, 2 ** 31 - 1),
);

describe('BookSide', () => {
  it.each([true, false])('agrees with a sorted list of levels, bids=%s', (isBid) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), prices, fc.nat(50)), { maxLength: 300 }), (operations) => {
        // Prepare
        const side = new BookSide(isBid);
        const live: Order[] = [];
        let id = 0;
        // Act
        for (const [add, price, pick] of operations) {
          if (add || live.length === 0) {
            const o = order(++id, price, 1 + (pick % 7), isBid);
            side.append(o);
            live.push(o);
          } else {
            const [o] = live.splice(pick % live.length, 1);
            side.remove(o as Order);
          }
        }
        // Assess
        const totals = new Map<number, number>();
        for (const o of live) totals.set(o.price, (totals.get(o.price) ?? 0) + o.remaining);
        const expected = [...totals.entries()].sort(([a], [b]) => (isBid ? b - a : a - b));
        expect(side.top(Number.POSITIVE_INFINITY)).toEqual(expected);
        expect(side.best?.price).toBe(expected[0]?.[0]);
        expect(side.size).toBe(expected.length);
        expect(side.top(3)).toEqual(expected.slice(0, 3));
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('keeps time priority within a price and reuses the level object when a price fills again', () => {
    const side = new BookSide(true);
    const first = order(1, 1024, 1, true);
    const second = order(2, 1024, 2, true);
    side.append(first);
    const level = side.append(second);
    expect(level.head).toBe(first);
    expect(level.tail).toBe(second);
    side.remove(first);
    side.remove(second);
    expect(side.best).toBeNull();
    expect(side.append(order(3, 1024, 1, true))).toBe(level);
  });
});
