/**
 * Aggregation across processes and everything printed or recorded: the human tables,
 * the metrics object of the `--json` line, and the verdict against the targets.
 */

import { type Verdict, verdictsOf } from '../targets.js';
import type { HeapResult } from './heap.js';
import type { MixedRunResult, Target } from './mixed-run.js';
import { median, type Spread, spread } from './stats.js';

export const TARGETS = {
  'mixed-1M.ratio': { atLeast: 8 },
  'mixed-1M-prefill.ratio': { atLeast: 6 },
  'latency.p999_us': { below: 3 },
  heap_mb_1m_resting: { below: 400 },
} as const satisfies Record<string, { atLeast?: number; below?: number }>;

/** The workload whose latency the `latency.*` metrics report. */
export const LATENCY_WORKLOAD = 'mixed-1M';

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
  readonly throughput: Record<Target, Spread>;
  readonly ratio: Spread;
  readonly latency: Record<Target, LatencySpread>;
  readonly depthAgree: boolean;
  readonly depthDifferences: readonly string[];
  readonly timerOverheadNs: number;
  readonly runs: readonly MixedRunResult[];
}

export interface Aggregate {
  readonly ops: number;
  readonly workloads: readonly WorkloadAggregate[];
  readonly heap: Record<Target, Spread>;
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
    const latencyOf = (t: Target): LatencySpread => ({
      p50_us: spread(mine.map((r) => r.latency[t].p50_us)),
      p99_us: spread(mine.map((r) => r.latency[t].p99_us)),
      p999_us: spread(mine.map((r) => r.latency[t].p999_us)),
      max_us: spread(mine.map((r) => r.latency[t].max_us)),
    });
    return {
      name,
      throughput: {
        ours: spread(mine.map((r) => r.throughput.ours.opsPerS)),
        peer: spread(mine.map((r) => r.throughput.peer.opsPerS)),
      },
      ratio: spread(mine.map((r) => r.ratio)),
      latency: { ours: latencyOf('ours'), peer: latencyOf('peer') },
      depthAgree: mine.every((r) => r.depth.agree),
      depthDifferences: mine.flatMap((r) =>
        r.depth.firstDifference === null ? [] : [r.depth.firstDifference],
      ),
      timerOverheadNs: median(mine.map((r) => r.timerOverheadNs)),
      runs: mine,
    };
  });
  const heapOf = (t: Target): Spread => spread(heaps.filter((h) => h.target === t).map((h) => h.heapMb));
  return { ops, workloads, heap: { ours: heapOf('ours'), peer: heapOf('peer') } };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The metric keys, each the median across processes. */
export function metrics(agg: Aggregate): Record<string, Metric> {
  const out: Record<string, Metric> = {};
  for (const w of agg.workloads) {
    out[`${w.name}.ops_per_s`] = { value: Math.round(w.throughput.ours.median), unit: 'ops/s' };
    out[`${w.name}.peer_ops_per_s`] = { value: Math.round(w.throughput.peer.median), unit: 'ops/s' };
    out[`${w.name}.ratio`] = { value: round(w.ratio.median, 2), unit: 'x' };
  }
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
    throughputRows.push([w.name, 'peer', ...spreadCells(w.throughput.peer, int), 'ops/s']);
    throughputRows.push([w.name, 'ours/peer', ...spreadCells(w.ratio, (n) => fixed(n, 2)), 'x']);
  }

  const latencyRows: string[][] = [
    ['workload', 'engine', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'timer ns'],
  ];
  for (const w of agg.workloads) {
    for (const t of ['ours', 'peer'] as const) {
      const l = w.latency[t];
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
      w.depthAgree ? 'yes' : 'NO',
      `${r.depth.bidLevels}/${r.depth.askLevels}`,
      int(s.trades),
      `${int(s.maxResting)}/${int(s.restingAtEnd)}`,
      int(s.redrawnCancels),
      `${int(s.limits)}/${int(s.cancels)}/${int(s.markets)}`,
      int(s.marketsExpired),
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
    '',
    'Targets',
    table(targetRows),
  ];
  return sections.join('\n');
}

function depthDifferenceLines(agg: Aggregate): string[] {
  return agg.workloads.flatMap((w) => w.depthDifferences.map((d) => `  DEPTH DIFFERS in ${w.name}: ${d}`));
}
