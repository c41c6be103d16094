/**
 * The record of an engine-service run in `bench/results/`: `engine-service-<date>.json`
 * with every number, and the `engine-service` section of the README.
 */
import { writeFileSync } from 'node:fs';
import type { Metric } from '../engine/report.js';
import type { Machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import { type Verdict, verdictsOf } from '../targets.js';
import type { RecoveryBenchResult, SnapshotPause } from './recovery.js';
import type { ServiceBenchOptions, ServiceBenchResult } from './service-run.js';

export const TARGETS = {
  commands_per_s: { atLeast: 5_000 },
  recovery_1m_s: { below: 10 },
} as const satisfies Record<string, { atLeast?: number; below?: number }>;

export interface EngineServiceRecord {
  readonly bench: 'engine-service';
  readonly date: string;
  readonly machine: Machine;
  readonly options: Omit<ServiceBenchOptions, 'log'> & {
    readonly recoveryCommands: number | null;
    readonly v8Flags: readonly string[];
  };
  readonly metrics: Record<string, Metric>;
  readonly service: ServiceBenchResult;
  readonly recovery: RecoveryBenchResult | null;
  readonly snapshotPause100k: SnapshotPause | null;
}

/** Each target with the measured value and whether it is met. */
export function verdicts(m: Record<string, Metric>): Verdict[] {
  return verdictsOf(m, TARGETS);
}

/** Writes the JSON record and the README section; returns the JSON file's path. */
export function writeResults(dir: URL, record: EngineServiceRecord): string {
  const file = new URL(`engine-service-${record.date.replace(/:/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeReadmeSection(dir, 'engine-service', section(record));
  return file.pathname;
}

function section(record: EngineServiceRecord): string {
  const m = record.machine;
  const o = record.options;
  const s = record.service;
  const targetOf = new Map(verdicts(record.metrics).map((v) => [v.key, v]));
  const rows = Object.entries(record.metrics).map(([key, metric]) => {
    const v = targetOf.get(key);
    const met = v === undefined ? '' : v.met ? 'yes' : '**no**';
    return `| \`${key}\` | ${metric.value.toLocaleString('en-US')} ${metric.unit} | ${v?.target ?? ''} | ${met} |`;
  });
  const n = (v: number, digits = 0): string => v.toLocaleString('en-US', { maximumFractionDigits: digits });
  const r = record.recovery;
  return [
    `## Engine service — ${record.date}`,
    '',
    '`npm run bench:engine-service`; runs with `--skip-recovery` are not recorded.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; Node ${m.node}.`,
    `Load average (1 min) ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end,`,
    `${s.loadAverage.min.toFixed(2)}–${s.loadAverage.max.toFixed(2)} during the timed commands.`,
    '',
    '| metric | value | target | met |',
    '|---|---:|---|---|',
    ...rows,
    '',
    `The service (\`startEngineService\`, node \`${o.v8Flags.join(' ')}\`) in a child process, fauxqs, PostgreSQL and`,
    `Redis on this machine. ${n(o.accounts)} accounts (message groups) deposit first (${n(s.fundingCommands)} commands, untimed),`,
    `then ${n(s.commands)} timed commands of the recovery workload (limit, market, cancel, cancel-all, deposit,`,
    `withdraw, 1 % refused), sent with SendMessageBatch by ${o.senders} concurrent senders, at most ${n(o.window)}`,
    'unanswered at a time (a closed loop, as waiting API calls); replies read by one pattern subscription.',
    '',
    `- \`commands_per_s\`: timed commands ÷ (first send → last reply), ${s.seconds.toFixed(2)} s.`,
    `- \`reply_p50_ms\`, \`reply_p99_ms\`: just before SendMessageBatch → reply received (max ${n(s.replyMs.max, 1)} ms).`,
    `  A larger window adds only queueing: the engine is already busy with ${n(o.window)} unanswered.`,
    `- \`journal_batch_p99_ms\`: each \`Journal.append\` (fenced transaction) timed in the service process;`,
    `  ${n(s.journalBatches)} appends of ${s.entriesPerBatch.toFixed(1)} commands on average, p50 ${n(s.journalBatchMs.p50, 2)} ms.`,
    `- \`snapshot_pause_ms\`: the longest \`engine.snapshot()\` pause the service's Snapshotter reported (\`onSaved\`),`,
    `  ${s.snapshots.length} snapshots (every ${n(o.snapshotEveryCommands)} commands), state of about ${n(s.restingAtEnd)} resting orders.`,
    ...(record.snapshotPause100k === null
      ? []
      : [
          `  For a state of ${n(record.snapshotPause100k.restingOrders)} resting orders the pause is ${n(record.snapshotPause100k.snapshotMs, 1)} ms (\`measureSnapshotPause\`).`,
        ]),
    ...(r === null
      ? []
      : [
          `- \`recovery_1m_s\`: a fresh process recovering a journal of ${n(r.commands)} commands from the newest snapshot`,
          `  (seq ${n(r.snapshotSeq)}) plus the tail; from the journal alone ${r.fromJournalS.toFixed(2)} s; states match: ${r.statesMatch}.`,
        ]),
    '',
    'Where a batch goes (mean ms per batch, timed in the service process): the service handles one batch of at',
    'most ten at a time, so commands/s is at most ten ÷ the batch time. `sqs:SendMessageBatch` is the',
    'events.fifo publish; the rest of `batch` is applying the commands and publishing to Redis.',
    '',
    '| stage | mean ms | p99 ms |',
    '|---|---:|---:|',
    ...Object.entries(s.stages).map(
      ([name, p]) => `| ${name} | ${p.mean.toFixed(2)} | ${p.p99.toFixed(2)} |`,
    ),
    '',
  ].join('\n');
}
