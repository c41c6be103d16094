/**
 * What `bench:chaos` prints and records, from one run of the chaos scenario: a row per
 * fault (recovery time p50 and max over its rounds, orders lost and doubled among those
 * first sent while it was being injected or healed, 5xx answers other than 503 in that
 * time), the metrics of the `--json` line, and the targets.
 */
import type { ChaosResult } from '../../../localstack/test/chaos/scenario.js';
import { type Metric, table } from '../engine/report.js';
import { type Verdict, verdictsOf } from '../targets.js';

/** Every fault heals within 15 s and costs nothing. */
export const TARGETS = {
  recover_max_ms: { below: 15_000 },
  orders_lost: { below: 1 },
  orders_doubled: { below: 1 },
  http_5xx_non_503: { below: 1 },
} as const;

export interface FaultRow {
  readonly fault: string;
  readonly healed: number;
  readonly rounds: number;
  /** Over the rounds that healed; undefined when none did. */
  readonly p50Ms?: number;
  readonly maxMs?: number;
  readonly ordersLost: number;
  readonly ordersDoubled: number;
  readonly http5xxNon503: number;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank; undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** One row per fault, in injection order. */
export function faultRows(result: ChaosResult): FaultRow[] {
  const names = [...new Set(result.faults.map((f) => f.name))];
  return names.map((name) => {
    const rounds = result.faults.filter((f) => f.name === name);
    const times = rounds.flatMap((f) => (f.healed && f.recoverMs !== undefined ? [f.recoverMs] : []));
    const phase = result.orders.byPhase[name];
    const p50 = quantile(times, 0.5);
    const max = quantile(times, 1);
    return {
      fault: name,
      healed: times.length,
      rounds: rounds.length,
      ...(p50 === undefined ? {} : { p50Ms: p50 }),
      ...(max === undefined ? {} : { maxMs: max }),
      ordersLost: phase?.lost ?? 0,
      ordersDoubled: phase?.doubled ?? 0,
      http5xxNon503: result.http.serverErrorsByPhase[name] ?? 0,
    };
  });
}

/** The metrics of the `--json` line (keys named by the benchmark's issue). */
export function chaosMetrics(result: ChaosResult): Record<string, Metric> {
  const healed = result.faults.filter((f) => f.healed);
  return {
    faults_healed: { value: healed.length, unit: 'faults' },
    faults_total: { value: result.faults.length, unit: 'faults' },
    recover_max_ms: { value: Math.max(0, ...healed.map((f) => f.recoverMs ?? 0)), unit: 'ms' },
    orders_lost: { value: result.orders.lost.length, unit: 'orders' },
    orders_doubled: { value: result.orders.doubled.length, unit: 'orders' },
    http_5xx_non_503: { value: result.http.serverErrors, unit: 'responses' },
  };
}

/** Targets met or not; every fault healing is a target too. */
export function chaosVerdicts(metrics: Record<string, Metric>): Verdict[] {
  const healed = metrics.faults_healed?.value ?? 0;
  const total = metrics.faults_total?.value ?? 0;
  return [
    { key: 'faults_healed', value: healed, target: `= ${total}`, met: healed === total },
    ...verdictsOf(metrics, TARGETS),
  ];
}

/** The human-readable report: the fault table, the proofs, the targets. */
export function chaosTables(result: ChaosResult, metrics: Record<string, Metric>): string {
  const ms = (n: number | undefined): string =>
    n === undefined ? '—' : Math.round(n).toLocaleString('en-US');
  const faults = table([
    ['fault', 'healed', 'recover p50 ms', 'recover max ms', 'orders lost', 'orders doubled', '5xx ≠ 503'],
    ...faultRows(result).map((r) => [
      r.fault,
      `${r.healed}/${r.rounds}`,
      ms(r.p50Ms),
      ms(r.maxMs),
      String(r.ordersLost),
      String(r.ordersDoubled),
      String(r.http5xxNon503),
    ]),
  ]);
  const signs = table([
    ['fault', 'round', 'component ms', 'orders ms', 'history ms', 'trades ms'],
    ...result.faults.map((f) => [
      f.name,
      String(f.round),
      ms(f.signs.component),
      ms(f.signs.orders),
      ms(f.signs.history),
      ms(f.signs.trades),
    ]),
  ]);
  const problems = result.faults
    .filter((f) => !f.healed)
    .map((f) => `  ${f.name} (round ${f.round}): ${f.problem}`);
  const checks = Object.entries(result.checks).map(
    ([name, found]) => `  ${name}: ${found.length === 0 ? 'ok' : found.slice(0, 5).join('; ')}`,
  );
  const verdicts = chaosVerdicts(metrics);
  return [
    faults,
    '',
    'Signs of health, ms after the injection (component up again; every trader got a 200; that order in the history; a new trade on the stream)',
    signs,
    ...(problems.length === 0 ? [] : ['', 'Not healed', ...problems]),
    '',
    `Orders: ${JSON.stringify(result.orders.fates)}; lost ${result.orders.lost.length}, doubled ${result.orders.doubled.length}`,
    `HTTP answers: ${JSON.stringify(result.http.byStatus)}`,
    `Stream: ${JSON.stringify(result.stream)}`,
    'Proofs',
    ...checks,
    '',
    'Targets',
    table([
      ['metric', 'value', 'target', 'met'],
      ...verdicts.map((v) => [v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']),
    ]),
  ].join('\n');
}
