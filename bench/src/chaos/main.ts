/**
 * `npm run bench:chaos [-- --json] [--steady-seconds S] [--rounds R] [--deadline-seconds D] [--traders T]`
 *
 * The whole-exchange chaos scenario of `localstack/test/chaos/scenario.ts` (the same one
 * the test runs, with longer phases): its own Redis and PostgreSQL, the exchange as
 * `npm start` runs it with market makers, careful traders and a WebSocket client; each
 * fault injected in turn, R rounds (default 2), S seconds (10) of steady trading before
 * each, T traders (4); a fault not healed after D seconds (90) counts as not healed. Prints a table per fault, records the
 * run in `bench/results/`, and with `--json` prints the metrics as the last stdout line:
 * `faults_healed`, `faults_total`, `recover_max_ms`, `orders_lost`, `orders_doubled`,
 * `http_5xx_non_503`. Bounded: about rounds × 6 × (S + recovery) plus a minute.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runChaos } from '../../../localstack/test/chaos/scenario.js';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import { writeReadmeSection } from '../results-readme.js';
import { chaosMetrics, chaosTables } from './report.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'steady-seconds': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    'deadline-seconds': { type: 'string', default: '90' },
    traders: { type: 'string', default: '4' },
  },
  strict: true,
});
const steadySeconds = integerOption(values, 'steady-seconds', 1);
const rounds = integerOption(values, 'rounds', 1);
const deadlineSeconds = integerOption(values, 'deadline-seconds', 5);
const traders = integerOption(values, 'traders', 2);
const loadAtStart = os.loadavg()[0] ?? 0;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// The API's handlers run in this process and log each 503 on stdout, which carries the report.
process.env.LOG_LEVEL ??= 'error';
const date = new Date().toISOString();
const result = await runChaos({
  steadyMs: steadySeconds * 1000,
  healDeadlineMs: deadlineSeconds * 1000,
  watchMs: deadlineSeconds * 1000,
  settleMs: 90_000,
  rounds,
  traders,
  traderPauseMs: 150,
  log,
});
const metrics = chaosMetrics(result);
const host = machine(loadAtStart);
const report = [
  'Chaos: the whole exchange (npm start’s stack, market makers on) on its own Redis and PostgreSQL, faults injected in turn while careful clients trade and stream;',
  `${rounds} round(s), ${steadySeconds} s steady before each fault, ${deadlineSeconds} s to heal, ${traders} traders; ${host.cpu}, ${host.cores} cores, Node ${host.node}; load ${loadAtStart.toFixed(2)} at start, ${host.loadAverage.end.toFixed(2)} at end`,
  chaosTables(result, metrics),
].join('\n');
console.log(report);

writeFileSync(
  new URL(`chaos-${date.replace(/:/g, '-')}.json`, RESULTS_DIR),
  `${JSON.stringify({ bench: 'chaos', date, machine: host, steadySeconds, rounds, deadlineSeconds, traders, result, metrics }, null, 2)}\n`,
);
writeReadmeSection(
  RESULTS_DIR,
  'chaos',
  `## Chaos (\`npm run bench:chaos\`), ${date}\n\n\`\`\`\n${report}\n\`\`\``,
);
if (values.json) {
  console.log(JSON.stringify({ bench: 'chaos', node: process.version, cores: host.cores, metrics }));
}
