/**
 * `npm run bench:engine-service [-- --json] [--commands N] [--accounts A] [--senders S]
 *  [--window W] [--snapshot-every C] [--recovery-commands R] [--skip-recovery]`
 *
 * The engine service end to end (see `service-run.ts`): sustained commands/s from
 * `orders.fifo` through the journal to the published replies, enqueue → reply latency,
 * journal batch latency and the snapshot pause inside the service; then recovery of a
 * 1,000,000-command journal (`recovery.ts`). Prints the tables, records full runs in
 * `bench/results/` and, with `--json`, prints the metrics as the last stdout line.
 * Progress goes to stderr. `BENCH_CHILD_FLAGS` adds node flags to the service's process,
 * e.g. `BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` for a CPU profile.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ensurePostgres } from '@exchange/local-services';
import { ENGINE_NODE_FLAGS } from '@exchange/protocol';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import {
  measureSnapshotPause,
  type RecoveryBenchResult,
  runRecoveryBench,
  type SnapshotPause,
} from './recovery.js';
import { verdicts, writeResults } from './results.js';
import { runServiceBench } from './service-run.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    commands: { type: 'string', default: '30000' },
    accounts: { type: 'string', default: '1000' },
    senders: { type: 'string', default: '4' },
    window: { type: 'string', default: '400' },
    'snapshot-every': { type: 'string', default: '5000' },
    'recovery-commands': { type: 'string', default: '1000000' },
    'skip-recovery': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    [
      'usage: npm run bench:engine-service -- [--json] [--skip-recovery]',
      '  [--commands N (30000 timed)] [--accounts A (1000)] [--senders S (4)] [--window W (400 unanswered: enough to keep the pipeline full)]',
      '  [--snapshot-every C (5000 commands)] [--recovery-commands R (1000000)]',
    ].join('\n'),
  );
  process.exit(0);
}
const integer = (name: string, min: number): number => integerOption(values, name, min);
const options = {
  commands: integer('commands', 100),
  accounts: integer('accounts', 10),
  senders: integer('senders', 1),
  window: integer('window', 10),
  snapshotEveryCommands: integer('snapshot-every', 1),
};
const recoveryCommands = values['skip-recovery'] ? null : integer('recovery-commands', 10_000);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();

const service = await runServiceBench({ ...options, log });

let recovery: RecoveryBenchResult | null = null;
let pause100k: SnapshotPause | null = null;
if (recoveryCommands !== null) {
  log('snapshot pause of a 100,000-order state…');
  pause100k = await measureSnapshotPause();
  const postgres = await ensurePostgres();
  try {
    recovery = await runRecoveryBench({ serverUrl: postgres.url, commands: recoveryCommands, log });
  } finally {
    await postgres.stop();
  }
}
const host = machine(loadAtStart);

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const metrics: Record<string, Metric> = {
  commands_per_s: { value: Math.round(service.commandsPerS), unit: 'commands/s' },
  reply_p50_ms: { value: round(service.replyMs.p50, 2), unit: 'ms' },
  reply_p99_ms: { value: round(service.replyMs.p99, 2), unit: 'ms' },
  journal_batch_p99_ms: { value: round(service.journalBatchMs.p99, 2), unit: 'ms' },
  ...(service.snapshotPauseMs === null
    ? {}
    : { snapshot_pause_ms: { value: round(service.snapshotPauseMs.max, 2), unit: 'ms' } }),
  ...(recovery === null ? {} : { recovery_1m_s: { value: round(recovery.fromSnapshotS, 2), unit: 's' } }),
};

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);
const s = service;
const lines = [
  `Engine service: ${int(s.commands)} timed commands after ${int(s.fundingCommands)} deposits; ${int(options.accounts)} accounts,`,
  `${options.senders} senders, at most ${int(options.window)} unanswered; ${s.seconds.toFixed(2)} s first send → last reply`,
  table([
    ['measure', 'p50', 'p99', 'max', 'mean', 'count'],
    [
      'enqueue → reply, ms',
      ms(s.replyMs.p50),
      ms(s.replyMs.p99),
      ms(s.replyMs.max),
      ms(s.replyMs.mean),
      int(s.okReplies + s.rejectedReplies),
    ],
    [
      'Journal.append, ms',
      ms(s.journalBatchMs.p50),
      ms(s.journalBatchMs.p99),
      ms(s.journalBatchMs.max),
      ms(s.journalBatchMs.mean),
      int(s.journalBatches),
    ],
    ...(s.snapshotPauseMs === null
      ? []
      : [
          [
            'snapshot pause, ms',
            ms(s.snapshotPauseMs.p50),
            ms(s.snapshotPauseMs.p99),
            ms(s.snapshotPauseMs.max),
            ms(s.snapshotPauseMs.mean),
            int(s.snapshots.length),
          ],
          [
            'snapshot write, ms',
            ...(() => {
              const w = s.snapshots.map((x) => x.writeMs).sort((a, b) => a - b);
              const mean = w.reduce((a, b) => a + b, 0) / w.length;
              return [ms(w[Math.floor(w.length / 2)] ?? 0), '', ms(w.at(-1) ?? 0), ms(mean), int(w.length)];
            })(),
          ],
        ]),
  ]),
  `replies: ${int(s.okReplies)} ok, ${int(s.rejectedReplies)} rejected; ${s.entriesPerBatch.toFixed(1)} commands per journal batch;` +
    ` ≈ ${int(s.restingAtEnd)} resting orders at the end`,
  `rejections: ${
    Object.entries(s.rejections)
      .map(([code, count]) => `${code} ${int(count)}`)
      .join(', ') || 'none'
  }`,
  '',
  'Inside the service, per batch (timed in the service process; sqs:SendMessageBatch = events.fifo;',
  '"batch" = one journal batch from receipt to published; batches overlap, see sequencer.ts)',
  table([
    ['stage', 'p50 ms', 'p99 ms', 'mean ms', 'calls'],
    ...Object.entries(s.stages).map(([name, p]) => [name, ms(p.p50), ms(p.p99), ms(p.mean), int(p.count)]),
  ]),
  '',
  ...(pause100k === null
    ? []
    : [
        `snapshot pause of a ${int(pause100k.restingOrders)}-order, ${int(pause100k.accounts)}-account state (measureSnapshotPause): ${ms(pause100k.snapshotMs)} ms`,
      ]),
  '',
  ...(recovery === null
    ? ['Recovery: skipped (--skip-recovery)']
    : [
        `Recovery of ${int(recovery.commands)} commands (fresh process each)`,
        table([
          ['from', 'seconds', 'entries replayed', 'last seq'],
          [
            `snapshot @ ${int(recovery.snapshotSeq)} + tail`,
            recovery.fromSnapshotS.toFixed(2),
            int(recovery.fromSnapshot.replayed + recovery.fromSnapshot.skipped),
            int(recovery.fromSnapshot.lastSeq),
          ],
          [
            'journal alone',
            recovery.fromJournalS.toFixed(2),
            int(recovery.fromJournal.replayed + recovery.fromJournal.skipped),
            int(recovery.fromJournal.lastSeq),
          ],
        ]),
        `both recovered states equal the original: ${recovery.statesMatch}; journal build ${recovery.buildS.toFixed(1)} s`,
      ]),
  '',
  'Metrics',
  table([
    ['metric', 'value', 'unit'],
    ...Object.entries(metrics).map(([k, m]) => [k, String(m.value), m.unit]),
  ]),
  '',
  'Targets',
  table([
    ['metric', 'value', 'target', 'met'],
    ...verdicts(metrics).map((v) => [v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']),
  ]),
  '',
  `Load average (1 min): ${host.loadAverage.start.toFixed(2)} at start, ${s.loadAverage.min.toFixed(2)}–${s.loadAverage.max.toFixed(2)} during the timed commands, ${host.loadAverage.end.toFixed(2)} at end; ${host.cores} cores.`,
];
console.log(lines.join('\n'));
if (s.serviceErrors.length > 0)
  console.log(`WARNING: the service logged ${s.serviceErrors.length} error(s).`);
if (recovery !== null && !recovery.statesMatch) {
  console.log('WARNING: a recovered state differs from the original.');
  process.exitCode = 1;
}
if (recovery !== null) {
  const file = writeResults(RESULTS_DIR, {
    bench: 'engine-service',
    date,
    machine: host,
    options: { ...options, recoveryCommands, v8Flags: ENGINE_NODE_FLAGS },
    metrics,
    service,
    recovery,
    snapshotPause100k: pause100k,
  });
  console.log(`\nRecorded in ${file}`);
} else {
  console.log('\nQuick run (--skip-recovery): not recorded.');
}
if (values.json) {
  console.log(JSON.stringify({ bench: 'engine-service', node: host.node, cores: host.cores, metrics }));
}
