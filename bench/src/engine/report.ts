/**
 * Aggregation across processes and everything printed or recorded: the human tables,
 * the metrics object of the `--json` line, and the verdict against the targets (`../targets.ts`).
 */

import { type Verdict, verdictsOf } from '../targets.js';
import type { HeapResult } from './heap.js';
import type { MixedRunResult, PerTarget, Target, ThroughputResult } from './mixed-run.js';
import { type LatencySummary, median, type Spread, spread } from './stats.js';

export const TARGETS = {
  'mixed-1M.ratio': { atLeast: 8 },
  'mixed-1M-prefill.ratio': { atLeast: 6 },
  'latency.p999_us': { below: 3 },
  heap_mb_1m_resting: { below: 400 },
  stops_vs_mixed_ratio: { atLeast: 0.85 },
} as const satisfies Record<string, { atLeast?: number; below?: number }>;

/** The workload whose latency the `latency.*` metrics report. */
export const LATENCY_WORKLOAD = 'mixed-1M';

/**
 * The stops-and-amends workload, timed on our engine against the plain one in the same
 * repetition (both run one after the other), and the key of that ratio.
 */
export const STOPS_VS_MIXED = {
  key: 'stops_vs_mixed_ratio',
  workload: 'mixed-stops-1M',
  baseline: 'mixed-1M',
} as const;

export interface Metric {
  readonly value: number;
  readonly unit: string;
}

export interface LatencySpread {
  readonly p50_us: Spread;
  readonly p99_us: Spread;
  readonly p999_us: Spread;
  readonly max_us: Spread;
}

export interface WorkloadAggregate {
  readonly name: string;
  readonly throughput: PerTarget<Spread>;
  /** Ours / peer; null for a workload only ours runs. */
  readonly ratio: Spread | null;
  readonly latency: PerTarget<LatencySpread>;
  /** Null for a workload only ours runs: there is no second book to compare with. */
  readonly depthAgree: boolean | null;
  readonly depthDifferences: readonly string[];
  readonly timerOverheadNs: number;
  readonly runs: readonly MixedRunResult[];
}

export interface Aggregate {
  readonly ops: number;
  readonly workloads: readonly WorkloadAggregate[];
  readonly heap: Record<Target, Spread>;
  /** {@link STOPS_VS_MIXED}, one ratio per repetition; null when either workload did not run. */
  readonly stopsVsMixed: Spread | null;
}

/** Combines the processes of each workload, and the heap processes. */
export function aggregate(
  ops: number,
  runs: readonly MixedRunResult[],
  heaps: readonly HeapResult[],
): Aggregate {
  const names = [...new Set(runs.map((r) => r.workload))];
  const workloads = names.map((name): WorkloadAggregate => {
    const mine = runs.filter((r) => r.workload === name);
    const withPeer = mine.every((r) => r.throughput.peer !== undefined);
    const latencyOf = (pick: (r: MixedRunResult) => LatencySummary): LatencySpread => ({
      p50_us: spread(mine.map((r) => pick(r).p50_us)),
      p99_us: spread(mine.map((r) => pick(r).p99_us)),
      p999_us: spread(mine.map((r) => pick(r).p999_us)),
      max_us: spread(mine.map((r) => pick(r).max_us)),
    });
    const ours = {
      throughput: spread(mine.map((r) => r.throughput.ours.opsPerS)),
      latency: latencyOf((r) => r.latency.ours),
    };
    const peer = withPeer
      ? {
          throughput: spread(mine.map((r) => (r.throughput.peer as ThroughputResult).opsPerS)),
          latency: latencyOf((r) => r.latency.peer as LatencySummary),
        }
      : undefined;
    const checks = mine.flatMap((r) => (r.depth === null ? [] : [r.depth]));
    return {
      name,
      throughput:
        peer === undefined ? { ours: ours.throughput } : { ours: ours.throughput, peer: peer.throughput },
      ratio: withPeer ? spread(mine.map((r) => r.ratio as number)) : null,
      latency: peer === undefined ? { ours: ours.latency } : { ours: ours.latency, peer: peer.latency },
      depthAgree: checks.length === 0 ? null : checks.every((c) => c.agree),
      depthDifferences: checks.flatMap((c) => (c.firstDifference === null ? [] : [c.firstDifference])),
      timerOverheadNs: median(mine.map((r) => r.timerOverheadNs)),
      runs: mine,
    };
  });
  const heapOf = (t: Target): Spread => spread(heaps.filter((h) => h.target === t).map((h) => h.heapMb));
  const stopsRatios = sameRunRatios(runs, STOPS_VS_MIXED.workload, STOPS_VS_MIXED.baseline);
  return {
    ops,
    workloads,
    heap: { ours: heapOf('ours'), peer: heapOf('peer') },
    stopsVsMixed: stopsRatios.length === 0 ? null : spread(stopsRatios),
  };
}

/**
 * Our engine's ops/s on `workload` over its ops/s on `baseline`, one ratio per
 * repetition that ran both: the two run back to back, so the machine's load at that
 * moment weighs on both alike.
 */
export function sameRunRatios(runs: readonly MixedRunResult[], workload: string, baseline: string): number[] {
  return runs
    .filter((r) => r.workload === workload)
    .flatMap((r) => {
      const base = runs.find((b) => b.workload === baseline && b.run === r.run);
      return base === undefined ? [] : [r.throughput.ours.opsPerS / base.throughput.ours.opsPerS];
    });
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The recorded metric keys, each the median across processes. */
export function metrics(agg: Aggregate): Record<string, Metric> {
  const out: Record<string, Metric> = {};
  for (const w of agg.workloads) {
    out[`${w.name}.ops_per_s`] = { value: Math.round(w.throughput.ours.median), unit: 'ops/s' };
    if (w.throughput.peer !== undefined)
      out[`${w.name}.peer_ops_per_s`] = { value: Math.round(w.throughput.peer.median), unit: 'ops/s' };
    if (w.ratio !== null) out[`${w.name}.ratio`] = { value: round(w.ratio.median, 2), unit: 'x' };
  }
  if (agg.stopsVsMixed !== null)
    out[STOPS_VS_MIXED.key] = { value: round(agg.stopsVsMixed.median, 3), unit: 'x' };
  const latency = agg.workloads.find((w) => w.name === LATENCY_WORKLOAD)?.latency.ours;
  if (latency !== undefined) {
    out['latency.p50_us'] = { value: round(latency.p50_us.median, 3), unit: 'us' };
    out['latency.p99_us'] = { value: round(latency.p99_us.median, 3), unit: 'us' };
    out['latency.p999_us'] = { value: round(latency.p999_us.median, 3), unit: 'us' };
  }
  out.heap_mb_1m_resting = { value: round(agg.heap.ours.median, 1), unit: 'MB' };
  return out;
}

/** Each target with the measured value and whether it is met. */
export function verdicts(m: Record<string, Metric>): Verdict[] {
  return verdictsOf(m, TARGETS);
}

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    )
    .join('\n');
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => n.toFixed(digits);
const spreadCells = (s: Spread, format: (n: number) => string): string[] => [
  format(s.min),
  format(s.median),
  format(s.max),
];

/** Every human-readable table, in print order. */
export function tables(agg: Aggregate, m: Record<string, Metric>): string {
  const throughputRows: string[][] = [['workload', 'engine', 'min', 'median', 'max', 'unit']];
  for (const w of agg.workloads) {
    throughputRows.push([w.name, 'ours', ...spreadCells(w.throughput.ours, int), 'ops/s']);
    if (w.throughput.peer !== undefined)
      throughputRows.push([w.name, 'peer', ...spreadCells(w.throughput.peer, int), 'ops/s']);
    if (w.ratio !== null)
      throughputRows.push([w.name, 'ours/peer', ...spreadCells(w.ratio, (n) => fixed(n, 2)), 'x']);
    if (w.name === STOPS_VS_MIXED.workload && agg.stopsVsMixed !== null) {
      const label = `ours/${STOPS_VS_MIXED.baseline}`;
      throughputRows.push([w.name, label, ...spreadCells(agg.stopsVsMixed, (n) => fixed(n, 3)), 'x']);
    }
  }

  const latencyRows: string[][] = [
    ['workload', 'engine', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'timer ns'],
  ];
  for (const w of agg.workloads) {
    for (const t of ['ours', 'peer'] as const) {
      const l = w.latency[t];
      if (l === undefined) continue;
      latencyRows.push([
        w.name,
        t,
        fixed(l.p50_us.median, 3),
        fixed(l.p99_us.median, 3),
        fixed(l.p999_us.median, 3),
        fixed(l.max_us.median, 1),
        fixed(w.timerOverheadNs, 0),
      ]);
    }
  }

  const heapRows: string[][] = [
    ['resting orders', 'engine', 'min MB', 'median MB', 'max MB'],
    [int(agg.ops), 'ours', ...spreadCells(agg.heap.ours, (n) => fixed(n, 1))],
    [int(agg.ops), 'peer', ...spreadCells(agg.heap.peer, (n) => fixed(n, 1))],
  ];

  const checkRows: string[][] = [
    [
      'workload',
      'same depth',
      'levels b/a',
      'trades',
      'resting max/end',
      'cancels redrawn',
      'limit/cancel/market',
      'markets expired',
    ],
  ];
  for (const w of agg.workloads) {
    const r = w.runs[0];
    if (r === undefined) continue;
    const s = r.resolution;
    checkRows.push([
      w.name,
      w.depthAgree === null ? 'ours only' : w.depthAgree ? 'yes' : 'NO',
      r.depth === null ? '—' : `${r.depth.bidLevels}/${r.depth.askLevels}`,
      int(s.trades),
      `${int(s.maxResting)}/${int(s.restingAtEnd)}`,
      int(s.redrawnCancels),
      `${int(s.limits)}/${int(s.cancels)}/${int(s.markets)}`,
      int(s.marketsExpired),
    ]);
  }

  const stopRows: string[][] = [
    ['workload', 'stops placed', 'stops fired', 'waiting max/end', 'amends', 'amends redrawn'],
  ];
  for (const w of agg.workloads) {
    const s = w.runs[0]?.resolution;
    if (s === undefined || (s.stops === 0 && s.amends === 0)) continue;
    stopRows.push([
      w.name,
      int(s.stops),
      int(s.stopsFired),
      `${int(s.maxWaiting)}/${int(s.waitingAtEnd)}`,
      int(s.amends),
      int(s.redrawnAmends),
    ]);
  }

  const targetRows: string[][] = [['metric', 'value', 'target', 'met']];
  for (const v of verdicts(m)) targetRows.push([v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']);

  const runs = agg.workloads[0]?.runs.length ?? 0;
  const sections = [
    `Throughput (${int(agg.ops)} ops per workload, ${runs} process${runs === 1 ? '' : 'es'} each; ops/s over the whole timed run)`,
    table(throughputRows),
    '',
    'Per-op latency, ours = Engine.execute (median across processes; includes one timer read pair, shown as "timer ns")',
    table(latencyRows),
    '',
    'Heap of resting orders (heapUsed after − before, full GC each side; MB = 10^6 bytes)',
    table(heapRows),
    '',
    'Checks (untimed; final depth compared in every process; no op rejected or missed)',
    table(checkRows),
    ...depthDifferenceLines(agg),
    ...(stopRows.length > 1 ? ['', 'Stops and amends (untimed resolution pass)', table(stopRows)] : []),
    '',
    'Targets',
    table(targetRows),
  ];
  return sections.join('\n');
}

function depthDifferenceLines(agg: Aggregate): string[] {
  return agg.workloads.flatMap((w) => w.depthDifferences.map((d) => `  DEPTH DIFFERS in ${w.name}: ${d}`));
}
