/**
 * The record of a `bench:db` run in `bench/results/`: `db-<date>.json` with every
 * number, and the `db` section of the README.
 */
import { writeFileSync } from 'node:fs';
import type { Metric } from '../engine/report.js';
import type { Machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import { type Verdict, verdictsOf } from '../targets.js';
import type { LoadResult } from './load.js';
import type { PipelineResult } from './pipeline-run.js';
import type { ProcessorBenchResult } from './processor-run.js';
import type { QueryLatency } from './query-run.js';

export const TARGETS = {
  trades_per_s: { atLeast: 20_000 },
  trades_per_s_ratio: { atLeast: 3 },
  lag_p99_ms: { below: 1_000 },
  klines_1m_24h_p99_ms: { below: 20 },
  klines_1h_30d_p99_ms: { below: 20 },
} as const satisfies Record<string, { atLeast?: number; below?: number }>;

export interface DbBenchRecord {
  readonly bench: 'db';
  readonly date: string;
  readonly machine: Machine;
  readonly options: { readonly trades: number; readonly load: number; readonly queries: number };
  readonly metrics: Record<string, Metric>;
  readonly processor: readonly ProcessorBenchResult[];
  readonly pipeline: PipelineResult;
  readonly load: LoadResult;
  readonly queries: readonly QueryLatency[];
}

/** Each target with the measured value and whether it is met. */
export function verdicts(m: Record<string, Metric>): Verdict[] {
  return verdictsOf(m, TARGETS);
}

/** Writes the JSON record and the README section; returns the JSON file's path. */
export function writeResults(dir: URL, record: DbBenchRecord): string {
  const file = new URL(`db-${record.date.replace(/:/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeReadmeSection(dir, 'db', section(record));
  return file.pathname;
}

function section(record: DbBenchRecord): string {
  const m = record.machine;
  const n = (v: number, digits = 0): string => v.toLocaleString('en-US', { maximumFractionDigits: digits });
  const targetOf = new Map(verdicts(record.metrics).map((v) => [v.key, v]));
  const rows = Object.entries(record.metrics).map(([key, metric]) => {
    const v = targetOf.get(key);
    const met = v === undefined ? '' : v.met ? 'yes' : '**no**';
    return `| \`${key}\` | ${metric.value.toLocaleString('en-US')} ${metric.unit} | ${v?.target ?? ''} | ${met} |`;
  });
  const l = record.load;
  const p = record.pipeline;
  return [
    `## DB processor and candles — ${record.date}`,
    '',
    '`npm run bench:db` (plain PostgreSQL 15: no TimescaleDB here, so candles are the trigger-kept `klines` table).',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; Node ${m.node}.`,
    `Load average (1 min) ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end.`,
    '',
    '| metric | value | target | met |',
    '|---|---:|---|---|',
    ...rows,
    '',
    '| processor run | lanes | trades | events | batches | s | trades/s | events/s | batch p50 ms | batch p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...record.processor.map(
      (p) =>
        `| ${p.lanes} | ${p.laneCount} | ${n(p.trades)} | ${n(p.events)} | ${n(p.batches)} | ${n(p.seconds, 2)} | ${n(p.tradesPerS)} | ${n(p.eventsPerS)} | ${n(p.batchMs.p50, 2)} | ${n(p.batchMs.p99, 2)} |`,
    ),
    '',
    `- \`trades_per_s\`: trades stored ÷ wall time of the serial run: engine events (the real engine core on a`,
    '  busy two-market flow) in `events.fifo` records, ten per batch, through `processEventsBatch` one batch at a',
    '  time, each batch one statement (one transaction). Every trade comes with its orders and about seven',
    '  balance events, each a `balance_changes` row (and one `balances` upsert per account and asset per batch),',
    '  and its candles: events/s is the fuller measure. `per-group` runs each market group (and the account',
    "  groups) as its own lane, as Lambda runs a FIFO queue's groups concurrently.",
    '- `engine_core_trades_per_s`: the engine core producing the same records at full speed (commands executed',
    '  and their events packed into `events.fifo` messages), timed in the same run: an upper bound no deployment reaches.',
    `- \`engine_trades_per_s\`, \`processor_trades_per_s\`, \`trades_per_s_ratio\`: the deployed shape. The engine service at`,
    `  saturation (the \`bench:engine-service\` flow, ${n(p.catchUp.commands)} commands, fauxqs, PostgreSQL, Redis) publishes to \`events.fifo\``,
    `  with the DB processor off: ${n(p.catchUp.trades)} trades in ${n(p.catchUp.engineSeconds, 2)} s. Then the processor as \`npm start\` runs`,
    `  it (the SQS→Lambda poller process and the real handler) drains that backlog alone in ${n(p.catchUp.drainSeconds, 2)} s. The ratio is`,
    '  the room it has to catch up after an outage.',
    `- \`lag_p99_ms\`: the same flow with the processor running beside the engine for ~${n(p.alongside.engineSeconds)} s; every 100 ms, the age`,
    `  of the newest trade stored (now − its engine time): p50 ${n(p.alongside.lagMs.p50)} ms, p99 ${n(p.alongside.lagMs.p99)} ms, max ${n(p.alongside.lagMs.max)} ms.`,
    `- Candle queries: ${n(l.trades)} trades of one market over ${n((l.lastTime - l.firstTime) / 86_400_000)} days, loaded in SQL through the`,
    `  processor's trigger in ${n(l.seconds, 1)} s (${n(l.klineRows)} candle rows); candles equal to a GROUP BY over the raw trades`,
    `  (${l.checked}): ${l.exact}.`,
    ...record.queries.map(
      (q) =>
        `- \`${q.interval}\` over ${n(q.windowMs / 3_600_000)} h: ${n(q.queries)} queries at random windows, ${n(q.candles)} candles each,` +
        ` p50 ${n(q.p50, 2)} ms, p99 ${n(q.p99, 2)} ms, max ${n(q.max, 2)} ms (the \`klines\` query function over a pool, one at a time).`,
    ),
    '',
  ].join('\n');
}
