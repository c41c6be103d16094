import { QUOTE_PER_TICK_LOT } from '../../src/engine/market.js';
import { BENCH_TIME, engineCommand, setUpEngine } from '../../src/engine/our-engine.js';
import { resolveWorkload } from '../../src/engine/resolution.js';
import { isStopKind, OpKind, PLAIN_MIX, STOPS_MIX, type WorkloadSpec } from '../../src/engine/workload.js';

const SPEC: WorkloadSpec = { name: 'test', mix: PLAIN_MIX, seed: 42, prefill: 2_000, prefillSeed: 43 };
const OPS = 20_000;

describe('resolving a workload', () => {
  const workload = resolveWorkload(SPEC, OPS);
  const { ops } = workload;

  it('gives exactly the requested number of ops, deterministically', () => {
    const again = resolveWorkload(SPEC, OPS);

    expect(ops.length).toBe(OPS);
    expect(again.ops).toEqual(ops);
    expect(again.prefill).toEqual(workload.prefill);
  });

  it('targets with every cancel a non-prefill order resting at that moment, naming its owner', () => {
    // Prepare: replay independently, asking the engine about each cancel's target first.
    const engine = setUpEngine(workload);
    const problems: string[] = [];
    let cancels = 0;

    // Act
    for (let i = 0; i < ops.length; i++) {
      const command = engineCommand(ops, i, workload);
      if (command.type === 'CANCEL_ORDER') {
        cancels++;
        const id = command.orderId ?? 0;
        const target = engine.order(id);
        if (target === undefined) problems.push(`op ${i}: order ${id} is not resting`);
        else if (target.accountId !== command.accountId)
          problems.push(`op ${i}: order ${id} has another owner`);
        if (id < ops.firstSeq) problems.push(`op ${i}: order ${id} is a prefill order`);
      }
      const result = engine.execute(command, ops.firstSeq + i, BENCH_TIME);
      if (result.code !== null) problems.push(`op ${i}: rejected ${result.code}`);
    }

    // Assess
    expect(problems).toEqual([]);
    expect(cancels).toBe(workload.stats.cancels);
    expect(cancels).toBeGreaterThan(OPS * 0.2);
  });

  it('places buys from the buyer pool and sells from the seller pool only', () => {
    for (let i = 0; i < ops.length; i++) {
      if (ops.kind[i] === OpKind.CANCEL) continue;
      const command = engineCommand(ops, i, workload);
      if (command.type !== 'CREATE_ORDER') throw new Error('expected an order');
      expect((command.side === 'BUY' ? workload.buyers : workload.sellers).includes(command.accountId)).toBe(
        true,
      );
    }
    expect(workload.buyers.some((b) => workload.sellers.includes(b))).toBe(false);
  });

  it('gives every limit order its sequence as id', () => {
    const wrong = Array.from(ops.kind.keys()).filter(
      (i) => ops.kind[i] === OpKind.LIMIT && ops.orderId[i] !== ops.firstSeq + i,
    );

    expect(wrong).toEqual([]);
  });
});

describe('resolving a workload with stops and amends', () => {
  const spec: WorkloadSpec = { name: 'stops', mix: STOPS_MIX, seed: 42, prefill: 0, prefillSeed: 43 };
  const workload = resolveWorkload(spec, OPS);
  const { ops, stats } = workload;

  it('gives exactly the requested number of ops, deterministically', () => {
    const again = resolveWorkload(spec, OPS);

    expect(ops.length).toBe(OPS);
    expect(again.ops).toEqual(ops);
    expect(again.stats).toEqual(stats);
  });

  it('makes every stop wait when placed and every amend a reduction of a resting order of its owner', () => {
    // Prepare: replay independently, asking the engine about each amend's target first.
    const engine = setUpEngine(workload);
    const problems: string[] = [];
    const placed = new Set<number>();
    let fired = 0;
    let amends = 0;

    // Act
    for (let i = 0; i < ops.length; i++) {
      const seq = ops.firstSeq + i;
      const command = engineCommand(ops, i, workload);
      if (command.type === 'AMEND_ORDER') {
        amends++;
        const target = engine.order(command.orderId ?? 0);
        if (target === undefined || target.workingTime === -1)
          problems.push(`op ${i}: target is not resting`);
        else if (target.accountId !== command.accountId) problems.push(`op ${i}: target has another owner`);
        else if (command.quantity >= target.quantity || command.quantity <= target.filledQuantity)
          problems.push(`op ${i}: ${target.filledQuantity} < ${command.quantity} < ${target.quantity} fails`);
      }
      const result = engine.execute(command, seq, BENCH_TIME);
      if (result.code !== null) problems.push(`op ${i}: rejected ${result.code}`);
      if (isStopKind(ops.kind[i] as number)) {
        placed.add(seq);
        if (engine.order(seq)?.workingTime !== -1) problems.push(`op ${i}: the stop did not wait`);
      }
      for (const event of result.events) {
        if (event.type === 'ORDER' && placed.has(event.orderId) && event.workingTime !== -1) {
          placed.delete(event.orderId);
          fired++;
        }
      }
    }

    // Assess
    expect(problems).toEqual([]);
    expect(amends).toBe(stats.amends);
    expect(fired).toBe(stats.stopsFired);
    expect(placed.size).toBe(stats.waitingAtEnd);
  });

  it('places about 10% stops and 5% amends, and most stops fire as the price moves', () => {
    const count = (kind: number): number => ops.kind.filter((k) => k === kind).length;

    expect(Math.abs(stats.stops / OPS - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(stats.amends / OPS - 0.05)).toBeLessThan(0.01);
    expect(count(OpKind.AMEND)).toBe(stats.amends);
    expect(stats.stopsFired).toBeGreaterThan(stats.stops * 0.9);
  });

  it('sizes a market-type stop buy by quote at its stop price, any other stop by lots', () => {
    const shapes = new Set<string>();
    for (let i = 0; i < ops.length; i++) {
      if (!isStopKind(ops.kind[i] as number)) continue;
      const command = engineCommand(ops, i, workload);
      if (command.type !== 'CREATE_ORDER') throw new Error('expected an order');
      const lots = ops.quantity[i] as number;
      const byQuote = command.side === 'BUY' && command.price === 0;
      const quote = (command.stopPrice ?? 0) * lots * QUOTE_PER_TICK_LOT;
      expect([command.quantity, command.quoteQuantity]).toEqual(byQuote ? [0, quote] : [lots, 0]);
      expect(command.timeInForce).toBe(command.price === 0 ? 'IOC' : 'GTC');
      shapes.add(`${command.orderType} ${command.side}`);
    }

    expect(shapes.size).toBe(8);
  });
});
