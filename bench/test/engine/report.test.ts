import type { MixedRunResult } from '../../src/engine/mixed-run.js';
import {
  aggregate,
  metrics,
  STOPS_VS_MIXED,
  sameRunRatios,
  tables,
  verdicts,
} from '../../src/engine/report.js';
import type { ResolutionStats } from '../../src/engine/resolution.js';
import type { LatencySummary } from '../../src/engine/stats.js';

const STATS: ResolutionStats = {
  limits: 6,
  cancels: 2,
  markets: 1,
  redrawnCancels: 0,
  trades: 4,
  marketsExpired: 0,
  restingAtEnd: 1,
  maxResting: 3,
  stops: 0,
  stopsFired: 0,
  waitingAtEnd: 0,
  maxWaiting: 0,
  amends: 0,
  redrawnAmends: 0,
};
const LATENCY: LatencySummary = { p50_us: 1, p99_us: 2, p999_us: 3, max_us: 4, mean_us: 1 };
const throughput = (opsPerS: number) => ({ opsPerS, seconds: 1, checksum: 1 });

/** One process's result as `runMixed` returns it; with `peerOpsPerS` the peer ran too. */
function result(workload: string, run: number, oursOpsPerS: number, peerOpsPerS?: number): MixedRunResult {
  const ours = { throughput: throughput(oursOpsPerS), latency: LATENCY };
  const base = { workload, ops: 10, run, resolveSeconds: 0, timerOverheadNs: 40 };
  if (peerOpsPerS === undefined) {
    const resolution = { ...STATS, stops: 1, stopsFired: 1, amends: 1 };
    return {
      ...base,
      order: ['ours'],
      resolution,
      throughput: { ours: ours.throughput },
      ratio: null,
      depth: null,
      latency: { ours: LATENCY },
    };
  }
  return {
    ...base,
    order: ['ours', 'peer'],
    resolution: STATS,
    throughput: { ours: ours.throughput, peer: throughput(peerOpsPerS) },
    ratio: oursOpsPerS / peerOpsPerS,
    depth: { agree: true, bidLevels: 1, askLevels: 1, firstDifference: null },
    latency: { ours: LATENCY, peer: LATENCY },
  };
}

const { workload: STOPS, baseline: MIXED } = STOPS_VS_MIXED;
const HEAPS = [
  { target: 'ours', orders: 10, heapMb: 1, beforeMb: 1, afterMb: 2 },
  { target: 'peer', orders: 10, heapMb: 2, beforeMb: 1, afterMb: 3 },
] as const;

describe('the stops-vs-mixed ratio', () => {
  it('divides each repetition by the plain run of the same repetition, never another', () => {
    // Prepare: repetition 1 ran on a slower moment for both workloads.
    const runs = [
      result(MIXED, 0, 2_000_000, 500_000),
      result(STOPS, 0, 1_800_000),
      result(MIXED, 1, 1_000_000, 250_000),
      result(STOPS, 1, 950_000),
    ];

    // Act
    const ratios = sameRunRatios(runs, STOPS, MIXED);

    // Assess
    expect(ratios).toEqual([0.9, 0.95]);
  });

  it('is reported under its key with its target, and the stops workload has no peer keys', () => {
    const runs = [result(MIXED, 0, 2_000_000, 500_000), result(STOPS, 0, 1_600_000)];

    const m = metrics(aggregate(10, runs, HEAPS));
    const verdict = verdicts(m).find((v) => v.key === STOPS_VS_MIXED.key);

    expect(m[STOPS_VS_MIXED.key]).toEqual({ value: 0.8, unit: 'x' });
    expect(verdict).toEqual({ key: 'stops_vs_mixed_ratio', value: 0.8, target: '≥ 0.85', met: false });
    expect(m[`${STOPS}.ops_per_s`]).toEqual({ value: 1_600_000, unit: 'ops/s' });
    expect(Object.keys(m).filter((k) => k.startsWith(`${STOPS}.`))).toEqual([`${STOPS}.ops_per_s`]);
    expect(m[`${MIXED}.ratio`]).toEqual({ value: 4, unit: 'x' });
  });

  it('is absent when the plain workload did not run alongside', () => {
    const m = metrics(aggregate(10, [result(STOPS, 0, 1_600_000)], HEAPS));

    expect(m[STOPS_VS_MIXED.key]).toBeUndefined();
  });

  it('has its own row in the throughput table, and the stops workload no peer rows', () => {
    const runs = [result(MIXED, 0, 2_000_000, 500_000), result(STOPS, 0, 1_800_000)];
    const agg = aggregate(10, runs, HEAPS);

    const lines = tables(agg, metrics(agg)).split('\n');

    expect(lines.filter((l) => l.startsWith(STOPS)).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual(
      expect.arrayContaining([
        [STOPS, 'ours'],
        [STOPS, `ours/${MIXED}`],
      ]),
    );
    expect(lines.some((l) => l.startsWith(STOPS) && /\bpeer\b/.test(l))).toBe(false);
    expect(lines.some((l) => l.startsWith(`${STOPS} `) && l.includes('0.900'))).toBe(true);
  });
});
