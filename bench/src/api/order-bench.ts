/**
 * The order benchmark both `bench:api` and `bench:e2e` run, against whatever stack
 * serves the REST API on `port`: sign up and fund accounts, warm up, then signed
 * `POST /api/v3/order` at 16 and 64 connections (closed loop) and at a fixed rate (open
 * loop). Prints the table, records the run in `bench/results/`, and with `json` prints
 * the metrics as the last stdout line (DESIGN.md section 6).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import { type BenchKey, closedLoop, type LoadRun, openLoop } from './load.js';
import { post } from './processes.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);
const ACCOUNTS = 64;

/** `--json`, `--seconds S` (15), `--rate R` (1000), as both benchmarks take them. */
export function orderBenchArgs(): { json: boolean; seconds: number; rate: number } {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '15' },
      rate: { type: 'string', default: '1000' },
    },
    strict: true,
  });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--seconds must be a positive integer');
  if (!Number.isInteger(rate) || rate < 1) throw new Error('--rate must be a positive integer');
  return { json: values.json ?? false, seconds, rate };
}

export interface OrderBenchOptions {
  /** `api` or `e2e`: the JSON's `bench`, the results file and README section. */
  readonly name: string;
  /** The README section's heading and the report's first line. */
  readonly title: string;
  readonly port: number;
  readonly seconds: number;
  readonly rate: number;
  readonly json: boolean;
  readonly loadAtStart: number;
  readonly log: (line: string) => void;
}

export async function runOrderBench(options: OrderBenchOptions): Promise<void> {
  const { port, seconds, rate, log } = options;
  const date = new Date().toISOString();
  log(`signing up and funding ${ACCOUNTS} accounts…`);
  const keys: BenchKey[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const key = (await post(port, '/api/v1/accounts')) as BenchKey;
    await post(port, '/api/v1/onramp', key, { asset: 'USDC', amount: '100000' });
    await post(port, '/api/v1/onramp', key, { asset: 'SOL', amount: '1000' });
    keys.push(key);
  }
  log('warm-up…');
  await closedLoop(port, keys, 16, 3);
  const runs: LoadRun[] = [];
  for (const connections of [16, 64]) {
    log(`closed loop, ${connections} connections, ${seconds} s…`);
    runs.push(await closedLoop(port, keys, connections, seconds));
  }
  log(`open loop, ${rate} orders/s, ${seconds} s…`);
  runs.push(await openLoop(port, keys, rate, seconds));

  const [c16, c64, open] = runs as [LoadRun, LoadRun, LoadRun];
  const round = (value: number, digits: number): number => Number(value.toFixed(digits));
  const metrics: Record<string, Metric> = {
    orders_per_s_c16: { value: Math.round(c16.ordersPerS), unit: 'orders/s' },
    orders_per_s_c64: { value: Math.round(c64.ordersPerS), unit: 'orders/s' },
    p50_ms_at_1000: { value: round(open.p50Ms, 2), unit: 'ms' },
    p99_ms_at_1000: { value: round(open.p99Ms, 2), unit: 'ms' },
  };
  const targets = [
    { key: 'orders_per_s_c64', target: '≥ 4500', met: c64.ordersPerS >= 4500 },
    { key: 'p99_ms_at_1000', target: '< 25', met: open.p99Ms < 25 },
  ];
  const host = machine(options.loadAtStart);
  const ms = (n: number): string => n.toFixed(2);
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const report = [
    options.title,
    `${ACCOUNTS} accounts; ${seconds} s per run; ${host.cores} cores, Node ${host.node}; load ${options.loadAtStart.toFixed(2)} at start, ${(os.loadavg()[0] ?? 0).toFixed(2)} at end`,
    table([
      ['run', 'orders', 'orders/s', 'p50 ms', 'p99 ms', 'max ms', 'not 200'],
      ...runs.map((r) => [
        r.name,
        int(r.orders),
        int(r.ordersPerS),
        ms(r.p50Ms),
        ms(r.p99Ms),
        ms(r.maxMs),
        int(r.failures),
      ]),
    ]),
    '',
    'Targets',
    table([
      ['metric', 'value', 'target', 'met'],
      ...targets.map((t) => [t.key, String(metrics[t.key]?.value), t.target, t.met ? 'yes' : 'NO']),
    ]),
  ].join('\n');
  console.log(report);

  const file = new URL(`${options.name}-${date.replace(/:/g, '-')}.json`, RESULTS_DIR);
  writeFileSync(
    file,
    `${JSON.stringify({ bench: options.name, date, machine: host, seconds, rate, runs, metrics }, null, 2)}\n`,
  );
  writeReadmeSection(
    RESULTS_DIR,
    options.name,
    `## ${options.name === 'api' ? 'API (`npm run bench:api`)' : 'End to end (`npm run bench:e2e`)'}, ${date}\n\n\`\`\`\n${report}\n\`\`\``,
  );
  if (options.json) {
    console.log(JSON.stringify({ bench: options.name, node: process.version, cores: host.cores, metrics }));
  }
}
