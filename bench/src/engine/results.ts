/**
 * The record of a run in `bench/results/`: one JSON file per run with every raw
 * per-process number, and the engine section of the results README.
 */
import { writeFileSync } from 'node:fs';
import type { Machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import type { HeapResult } from './heap.js';
import type { MixedRunResult } from './mixed-run.js';
import { type Metric, verdicts } from './report.js';

export interface RunRecord {
  readonly bench: 'engine';
  readonly date: string;
  readonly machine: Machine;
  readonly options: {
    readonly ops: number;
    readonly runs: number;
    readonly warmupOps: number;
    readonly v8Flags: readonly string[];
  };
  readonly metrics: Record<string, Metric>;
  /** The aggregate as printed, without the per-process results repeated. */
  readonly summary: object;
  readonly processes: { readonly mixed: readonly MixedRunResult[]; readonly heap: readonly HeapResult[] };
}

/**
 * Writes `engine-<date>.json` (colons in the ISO time replaced, for portable file names)
 * and rewrites `README.md` for this run. Returns the JSON file's path.
 */
export function writeResults(dir: URL, record: RunRecord): string {
  const file = new URL(`engine-${record.date.replace(/:/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeReadmeSection(dir, 'engine', readme(record));
  return file.pathname;
}

function readme(record: RunRecord): string {
  const m = record.machine;
  const value = (key: string): string => {
    const metric = record.metrics[key];
    return metric === undefined ? '—' : `${metric.value.toLocaleString('en-US')} ${metric.unit}`;
  };
  const targetOf = new Map(verdicts(record.metrics).map((v) => [v.key, v]));
  const row = (key: string): string => {
    const v = targetOf.get(key);
    return `| \`${key}\` | ${value(key)} | ${v === undefined ? '' : `${v.target}`} | ${v === undefined ? '' : v.met ? 'yes' : '**no**'} |`;
  };
  return [
    `## Engine — ${record.date}`,
    '',
    '`npm run bench:engine`; quick runs (`--ops` below 1,000,000) are not recorded. Medians across processes.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; Node ${m.node}.`,
    `${record.options.runs} processes per workload, ${record.options.ops.toLocaleString('en-US')} ops each,`,
    `${record.options.warmupOps.toLocaleString('en-US')} warm-up ops per engine; node flags \`${record.options.v8Flags.join(' ')}\`.`,
    `Load average (1 min) ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end.`,
    '',
    '| metric | value | target | met |',
    '|---|---:|---|---|',
    ...Object.keys(record.metrics).map(row),
    '',
    'Peer: `nodejs-order-book` 10.1.1 on the identical resolved command list. Latency is',
    '`mixed-1M`, one `process.hrtime.bigint()` pair per op, timer cost not subtracted.',
    '`mixed-stops-1M` (10% stop orders, 5% amends) runs on ours only; `stops_vs_mixed_ratio` is its',
    "ops/s over `mixed-1M`'s in the same repetition.",
    'Heap: 1,000,000 resting orders, MB = 10^6 bytes.',
    '',
  ].join('\n');
}
