/** Unit tests for the chaos benchmark's report (pure: a made-up scenario result). */
import type { ChaosResult } from '../../../localstack/test/chaos/scenario.js';
import { chaosMetrics, chaosVerdicts, faultRows, quantile } from '../../src/chaos/report.js';

const result: ChaosResult = {
  faults: [
    { name: 'kill engine', round: 1, healed: true, recoverMs: 4_000, signs: {} },
    { name: 'kill engine', round: 2, healed: true, recoverMs: 6_000, signs: {} },
    { name: 'restart Redis', round: 1, healed: false, signs: {}, problem: 'not seen: trades' },
  ],
  orders: {
    lost: ['t0-9'],
    doubled: [],
    byPhase: { 'kill engine': { placed: 10, lost: 1, doubled: 0 } },
    fates: { accepted: 9, queued: 1 },
  },
  http: {
    byStatus: { '200': 9, '500': 2 },
    serverErrors: 2,
    serverErrorsByPhase: { 'restart Redis': 2 },
    samples: [],
  },
  stream: { connects: 1, drops: 0, trades: 5, repeatedTrades: 0, gaps: 0 },
  checks: { lockedAfterCancelAll: [], apiAgainstLedger: [], conservation: [], book: [] },
  logTail: [],
};

describe('chaos report', () => {
  it('takes nearest-rank quantiles', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2);
    expect(quantile([3, 1, 2, 4], 1)).toBe(4);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('makes one row per fault with its rounds, recovery times and costs', () => {
    expect(faultRows(result)).toEqual([
      {
        fault: 'kill engine',
        healed: 2,
        rounds: 2,
        p50Ms: 4_000,
        maxMs: 6_000,
        ordersLost: 1,
        ordersDoubled: 0,
        http5xxNon503: 0,
      },
      { fault: 'restart Redis', healed: 0, rounds: 1, ordersLost: 0, ordersDoubled: 0, http5xxNon503: 2 },
    ]);
  });

  it('names the metrics of the JSON line and misses the targets a bad run misses', () => {
    const metrics = chaosMetrics(result);
    expect(Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, m.value]))).toEqual({
      faults_healed: 2,
      faults_total: 3,
      recover_max_ms: 6_000,
      orders_lost: 1,
      orders_doubled: 0,
      http_5xx_non_503: 2,
    });
    expect(
      chaosVerdicts(metrics)
        .filter((v) => !v.met)
        .map((v) => v.key),
    ).toEqual(['faults_healed', 'orders_lost', 'http_5xx_non_503']);
  });
});
