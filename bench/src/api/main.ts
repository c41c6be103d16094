/**
 * `npm run bench:api [-- --json] [--seconds S] [--rate R]`
 *
 * Signed `POST /api/v3/order` through the API Gateway emulator to the engine's reply:
 * orders/s and latency at 16 and 64 connections (closed loop), then p50/p99 at a fixed
 * 1,000 orders/s (open loop). Three processes: this one (the client), the API emulator,
 * and the stack behind it (engine service, DB processor, fauxqs; Redis and PostgreSQL
 * are their own servers). Prints tables, records the run in `bench/results/` and, with
 * `--json`, prints the metrics as the last stdout line. Progress goes to stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import { type BenchKey, closedLoop, type LoadRun, openLoop } from './load.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);
const TSX = import.meta.resolve('tsx');
const ACCOUNTS = 64;

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

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();

/** Starts `file` under tsx and resolves with the first JSON line it prints. */
async function child<T>(file: string, env: NodeJS.ProcessEnv): Promise<{ process: ChildProcess; ready: T }> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const proc = spawn(process.execPath, ['--import', TSX, path], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const ready = await new Promise<T>((resolve, reject) => {
    let out = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve(JSON.parse(line) as T);
    });
    proc.once('exit', (code) => reject(new Error(`${file} exited early with ${code}`)));
  });
  return { process: proc, ready };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  await exited;
}

async function post(port: number, path: string, key?: BenchKey, body?: object): Promise<unknown> {
  const { createHmac } = await import('node:crypto');
  const query = `timestamp=${Date.now()}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const signature =
    key === undefined
      ? ''
      : createHmac('sha256', key.secretKey)
          .update(query + text)
          .digest('hex');
  const url = `http://127.0.0.1:${port}${path}${key === undefined ? '' : `?${query}&signature=${signature}`}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'X-MBX-APIKEY': key.apiKey }),
    },
    ...(text === '' ? {} : { body: text }),
  });
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

log('starting the stack…');
const infra = await child<Record<string, string>>('./infra-child.ts', process.env);
const runs: LoadRun[] = [];
try {
  const api = await child<{ port: number }>('./api-child.ts', { ...process.env, ...infra.ready });
  try {
    const port = api.ready.port;
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
    for (const connections of [16, 64]) {
      log(`closed loop, ${connections} connections, ${seconds} s…`);
      runs.push(await closedLoop(port, keys, connections, seconds));
    }
    log(`open loop, ${rate} orders/s, ${seconds} s…`);
    runs.push(await openLoop(port, keys, rate, seconds));
  } finally {
    await stop(api.process);
  }
} finally {
  await stop(infra.process);
}

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
const host = machine(loadAtStart);
const ms = (n: number): string => n.toFixed(2);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const report = [
  `API: signed POST /api/v3/order (LIMIT, newOrderRespType=RESULT) through the HTTP emulator to the engine's reply;`,
  `${ACCOUNTS} accounts; ${seconds} s per run; ${host.cores} cores, Node ${host.node}`,
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

const file = new URL(`api-${date.replace(/:/g, '-')}.json`, RESULTS_DIR);
writeFileSync(
  file,
  `${JSON.stringify({ bench: 'api', date, machine: host, seconds, rate, runs, metrics }, null, 2)}\n`,
);
writeReadmeSection(
  RESULTS_DIR,
  'api',
  `## API (\`npm run bench:api\`), ${date}\n\n\`\`\`\n${report}\n\`\`\``,
);

if (values.json) {
  console.log(JSON.stringify({ bench: 'api', node: process.version, cores: host.cores, metrics }));
}
