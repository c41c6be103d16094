import {
  CANCEL_SHARE,
  firesOnRise,
  generateOps,
  generatePrefill,
  LIMIT_LOTS_MAX,
  LIMIT_SHARE,
  MARKET_LOTS_MAX,
  MID_MAX,
  MID_MIN,
  MID_START,
  OpKind,
  PLAIN_MIX,
  PREFILL_ASKS,
  PREFILL_BIDS,
  PRICE_SPREAD,
  peerCanRun,
  reflectMid,
  STOP_DISTANCE_MAX,
  STOP_LIMIT_SLIP_MAX,
  STOPS_MIX,
  WORKLOADS,
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

describe('the op stream with stops and amends', () => {
  const ops = generateOps(N, 42, STOPS_MIX);
  const stops = ops.filter(
    (op) =>
      op.kind === OpKind.STOP_LOSS ||
      op.kind === OpKind.STOP_LOSS_LIMIT ||
      op.kind === OpKind.TAKE_PROFIT ||
      op.kind === OpKind.TAKE_PROFIT_LIMIT,
  );
  const share = (kinds: readonly OpKind[]): number => ops.filter((op) => kinds.includes(op.kind)).length / N;

  it('draws 60% limit orders, 20% cancels, 10% stops, 5% amends and 5% market orders', () => {
    expect(share([OpKind.LIMIT])).toBeCloseTo(0.6, 2);
    expect(share([OpKind.CANCEL])).toBeCloseTo(0.2, 2);
    expect(Math.abs(stops.length / N - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(share([OpKind.AMEND]) - 0.05)).toBeLessThan(0.005);
    expect(Math.abs(share([OpKind.MARKET]) - 0.05)).toBeLessThan(0.005);
  });

  it('spreads stops about evenly over the four types', () => {
    for (const kind of [
      OpKind.STOP_LOSS,
      OpKind.STOP_LOSS_LIMIT,
      OpKind.TAKE_PROFIT,
      OpKind.TAKE_PROFIT_LIMIT,
    ]) {
      expect(Math.abs(stops.filter((op) => op.kind === kind).length / stops.length - 0.25)).toBeLessThan(
        0.02,
      );
    }
  });

  it('sets each stop above the last price exactly when it fires on a rise, 1 to the maximum distance away', () => {
    const bad = stops.filter((op) => {
      const distance = Math.abs(op.stopOffset);
      return (
        distance < 1 || distance > STOP_DISTANCE_MAX || op.stopOffset > 0 !== firesOnRise(op.kind, op.isBuy)
      );
    });

    expect(bad).toEqual([]);
    expect(stops.some((op) => op.stopOffset > 0)).toBe(true);
    expect(stops.some((op) => op.stopOffset < 0)).toBe(true);
  });

  it("places a stop-limit's price toward crossing (a buy's at or above its stop), a market-type stop's nowhere", () => {
    const bad = stops.filter((op) => {
      const priced = op.kind === OpKind.STOP_LOSS_LIMIT || op.kind === OpKind.TAKE_PROFIT_LIMIT;
      if (!priced) return op.limitOffset !== 0 || op.quantity < 1 || op.quantity > MARKET_LOTS_MAX;
      const slip = op.isBuy ? op.limitOffset : -op.limitOffset;
      return slip < 0 || slip > STOP_LIMIT_SLIP_MAX || op.quantity < 1 || op.quantity > LIMIT_LOTS_MAX;
    });

    expect(bad).toEqual([]);
  });

  it('gives every amend two uniform draws and nothing else', () => {
    const bad = ops.filter(
      (op) =>
        op.kind === OpKind.AMEND &&
        !(op.pick >= 0 && op.pick < 1 && op.keep >= 0 && op.keep < 1 && op.quantity === 0 && op.price === 0),
    );

    expect(bad).toEqual([]);
  });
});

describe('firesOnRise', () => {
  it('fires a stop-loss buy and a take-profit sell on a rise, the other two on a fall', () => {
    expect(firesOnRise(OpKind.STOP_LOSS, true)).toBe(true);
    expect(firesOnRise(OpKind.STOP_LOSS_LIMIT, false)).toBe(false);
    expect(firesOnRise(OpKind.TAKE_PROFIT, false)).toBe(true);
    expect(firesOnRise(OpKind.TAKE_PROFIT_LIMIT, true)).toBe(false);
  });
});

describe('the workloads', () => {
  it('compare with the peer exactly those without stops and amends', () => {
    const byName = Object.fromEntries(WORKLOADS.map((w) => [w.name, peerCanRun(w)]));

    expect(byName).toEqual({ 'mixed-1M': true, 'mixed-1M-prefill': true, 'mixed-stops-1M': false });
    expect(WORKLOADS.find((w) => w.name === 'mixed-1M')?.mix).toBe(PLAIN_MIX);
  });

  it('draw the plain stream every recorded result used, whatever the stops mix adds', () => {
    // Prepare: a fingerprint of the first 100k plain ops, taken from the stream before
    // stops and amends existed; recorded results stay comparable only while it holds.
    let hash = 0;

    // Act
    for (const op of generateOps(100_000, 42, PLAIN_MIX)) {
      const fields = op.kind * 7 + (op.isBuy ? 1 : 0) + op.price * 3 + op.quantity * 11;
      hash = (Math.imul(hash, 31) + fields + Math.floor(op.pick * 1e6) + op.mid) | 0;
    }

    // Assess
    expect(hash).toBe(-910118122);
    expect(generateOps(1000, 42, STOPS_MIX)).not.toEqual(generateOps(1000, 42, PLAIN_MIX));
  });
});
