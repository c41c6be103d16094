import { BENCH_TIME, engineCommand, setUpEngine } from '../../src/engine/our-engine.js';
import { resolveWorkload } from '../../src/engine/resolution.js';
import { OpKind, type WorkloadSpec } from '../../src/engine/workload.js';

const SPEC: WorkloadSpec = { name: 'test', seed: 42, prefill: 2_000, prefillSeed: 43 };
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
