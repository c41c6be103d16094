import {
  CANCEL_SHARE,
  generateOps,
  generatePrefill,
  LIMIT_LOTS_MAX,
  LIMIT_SHARE,
  MARKET_LOTS_MAX,
  MID_MAX,
  MID_MIN,
  MID_START,
  OpKind,
  PREFILL_ASKS,
  PREFILL_BIDS,
  PRICE_SPREAD,
  reflectMid,
} from '../../src/engine/workload.js';

const N = 100_000;

describe('the op stream', () => {
  const ops = generateOps(N, 42);

  it('is the same for the same seed and differs for another', () => {
    expect(generateOps(1000, 42)).toEqual(ops.slice(0, 1000));
    expect(generateOps(1000, 43)).not.toEqual(ops.slice(0, 1000));
  });

  it('draws 70% limit orders, 25% cancels and 5% market orders', () => {
    const share = (kind: OpKind): number => ops.filter((op) => op.kind === kind).length / N;

    expect(share(OpKind.LIMIT)).toBeCloseTo(LIMIT_SHARE, 2);
    expect(share(OpKind.CANCEL)).toBeCloseTo(CANCEL_SHARE, 2);
    expect(Math.abs(share(OpKind.MARKET) - 0.05)).toBeLessThan(0.005);
  });

  it('buys about half the time', () => {
    const orders = ops.filter((op) => op.kind !== OpKind.CANCEL);
    const buys = orders.filter((op) => op.isBuy).length / orders.length;

    expect(Math.abs(buys - 0.5)).toBeLessThan(0.01);
  });

  it('moves the mid by at most one tick per op, always inside the band', () => {
    let previous = MID_START;
    const bad = ops.filter((op) => {
      const jump = Math.abs(op.mid - previous);
      previous = op.mid;
      return jump > 1 || op.mid < MID_MIN || op.mid > MID_MAX;
    });

    expect(bad).toEqual([]);
  });

  it('reflects the mid at both edges of the band over a long stream', () => {
    // 100k ops reach only the lower edge with seed 42; a million reach both.
    let lowest = MID_START;
    let highest = MID_START;
    for (const op of generateOps(1_000_000, 42)) {
      if (op.mid < lowest) lowest = op.mid;
      if (op.mid > highest) highest = op.mid;
    }

    expect([lowest, highest]).toEqual([MID_MIN, MID_MAX]);
  });

  it('prices limit orders within the spread around the mid, and sizes every order in range', () => {
    const inRange = (n: number, lo: number, hi: number): boolean => Number.isInteger(n) && n >= lo && n <= hi;
    const bad = ops.filter((op) => {
      if (op.kind === OpKind.LIMIT) {
        return (
          !inRange(op.price - op.mid, -PRICE_SPREAD, PRICE_SPREAD) || !inRange(op.quantity, 1, LIMIT_LOTS_MAX)
        );
      }
      if (op.kind === OpKind.MARKET) return !inRange(op.quantity, 1, MARKET_LOTS_MAX);
      return !(op.pick >= 0 && op.pick < 1);
    });

    expect(bad).toEqual([]);
  });
});

describe('reflectMid', () => {
  it('mirrors a step past either edge back inside', () => {
    expect(reflectMid(MID_MAX + 1)).toBe(MID_MAX - 1);
    expect(reflectMid(MID_MIN - 1)).toBe(MID_MIN + 1);
    expect(reflectMid(MID_START)).toBe(MID_START);
  });
});

describe('the prefill', () => {
  it('alternates bids and asks, all outside the band limit orders can reach', () => {
    const orders = generatePrefill(10_000, 43);

    const bad = orders.filter((order, i) => {
      const [lo, hi] = order.isBuy ? PREFILL_BIDS : PREFILL_ASKS;
      return order.isBuy !== (i % 2 === 0) || order.price < lo || order.price > hi;
    });

    expect(bad).toEqual([]);
    expect(PREFILL_BIDS[1]).toBeLessThan(MID_MIN - PRICE_SPREAD);
    expect(PREFILL_ASKS[0]).toBeGreaterThan(MID_MAX + PRICE_SPREAD);
  });
});
