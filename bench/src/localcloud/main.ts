/**
 * `npm run bench:localcloud [-- --json] [--seconds S] [--rounds R] [--messages N]`
 *
 * Measures the local cloud: the API Gateway HTTP emulator against a bare node:http
 * server, then SQS batch throughput. Prints the tables, records the run in
 * `bench/results/` and, with `--json`, prints the metrics object as the last line of
 * stdout. Progress goes to stderr.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { DEFAULT_HTTP_OPTIONS, measureHttpThroughput } from './http.js';
import { verdicts, writeResults } from './results.js';
import { measureSqsBatchThroughput } from './sqs.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: String(DEFAULT_HTTP_OPTIONS.seconds) },
    rounds: { type: 'string', default: String(DEFAULT_HTTP_OPTIONS.rounds) },
    messages: { type: 'string', default: '5000' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run bench:localcloud -- [--json] [--seconds S (5, per target and round)] [--rounds R (2)] [--messages N (5000)]',
  );
  process.exit(0);
}
const positiveInteger = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return n;
};
const seconds = positiveInteger('seconds', values.seconds);
const rounds = positiveInteger('rounds', values.rounds);
const messages = positiveInteger('messages', values.messages);

const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();
const http = await measureHttpThroughput({ ...DEFAULT_HTTP_OPTIONS, seconds, rounds });
process.stderr.write(`sqs: ${messages} messages…\n`);
const sqs = await measureSqsBatchThroughput({ messages });
const host = machine(loadAtStart);

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const metrics: Record<string, Metric> = {
  'http.emulator_rps': { value: Math.round(http.emulatorRps), unit: 'req/s' },
  'http.bare_rps': { value: Math.round(http.bareRps), unit: 'req/s' },
  'http.ratio': { value: round(http.ratio, 3), unit: 'x' },
  'http.emulator_p99_ms': { value: round(http.emulatorP99Ms, 3), unit: 'ms' },
  'sqs.batch_msgs_per_s': { value: Math.round(sqs.msgsPerS), unit: 'msgs/s' },
};

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const runRows = [
  ['round', 'target', 'requests', 'seconds', 'req/s', 'p50 ms', 'p99 ms', 'failures'],
  ...http.runs.map((r, i) => [
    String(Math.floor(i / 2) + 1),
    r.target,
    int(r.requests),
    r.seconds.toFixed(2),
    int(r.rps),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    String(r.failures),
  ]),
];
const targetRows = [
  ['metric', 'value', 'target', 'met'],
  ...verdicts(metrics).map((v) => [v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']),
];
console.log(
  [
    `HTTP GET /health, ${http.options.connections} connections, ${http.options.warmupSeconds} s warm-up + ${seconds} s per target and round`,
    table(runRows),
    '',
    'SQS batch throughput',
    table([
      ['messages', 'seconds', 'msgs/s'],
      [int(sqs.messages), sqs.seconds.toFixed(2), int(sqs.msgsPerS)],
    ]),
    '',
    'Metrics',
    table([
      ['metric', 'value', 'unit'],
      ...Object.entries(metrics).map(([k, m]) => [k, String(m.value), m.unit]),
    ]),
    '',
    'Targets',
    table(targetRows),
    '',
    `Load average (1 min): ${host.loadAverage.start.toFixed(2)} at start, ${host.loadAverage.end.toFixed(2)} at end; ${host.cores} cores.`,
  ].join('\n'),
);
if (http.runs.some((r) => r.failures > 0))
  console.log('WARNING: some HTTP requests failed; the run is suspect.');
const file = writeResults(RESULTS_DIR, { bench: 'localcloud', date, machine: host, metrics, http, sqs });
console.log(`\nRecorded in ${file}`);
if (values.json) {
  console.log(JSON.stringify({ bench: 'localcloud', node: host.node, cores: host.cores, metrics }));
}
