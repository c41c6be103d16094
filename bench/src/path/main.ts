/**
 * `npm run bench:path [-- --json] [--seconds S] [--light-seconds L] [--commands N]`
 *
 * The order path, and where its time and CPU go, in one run on one machine:
 *
 * a. the engine service alone through fauxqs, PostgreSQL and Redis (the service run of
 *    `bench:engine-service`), and the bytes written to Redis per command meanwhile;
 * b. the whole path at 64 connections: signed `POST /api/v3/order` through the HTTP
 *    emulator, the handler, `orders.fifo`, the engine and the reply, on the stack as
 *    `npm start` starts it (market makers and UI off), with CPU µs per order of every
 *    process from `/proc`;
 * c. open loop at 100 orders/s and at half of b's rate: p50/p99 of the full HTTP answer.
 *
 * Before each phase, a yardstick of the machine (`yardstick.ts`: what a hop between two
 * processes costs right then), so the phases can be read against each other.
 *
 * Redis and PostgreSQL are this run's own servers (`servers.ts`), so nothing else on
 * the machine counts. Prints the tables, records the run in `bench/results/`, and with
 * `--json` the metrics as the last stdout line. Progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchKey, closedLoop, type LoadRun, openLoop } from '../api/load.js';
import { child, post, stop } from '../api/processes.js';
import { type Metric, table } from '../engine/report.js';
import { runServiceBench } from '../engine-service/service-run.js';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import { writeReadmeSection } from '../results-readme.js';
import { type Target, verdictsOf } from '../targets.js';
import { cpuMicrosBetween } from './proc-stat.js';
import { labelStack, readAllStats, TICKS_PER_SECOND, ticksOf } from './process-cpu.js';
import { redisInputBytes, startPrivateServers } from './servers.js';
import { measureYardstick, type Yardstick } from './yardstick.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);
const ACCOUNTS = 64;
const CONNECTIONS = 64;
const LIGHT_RATE = 100;

/** The brief's targets for the light-load latency. */
const TARGETS: Readonly<Record<string, Target>> = {
  'light.p50_ms': { below: 4 },
  'light.p99_ms': { below: 10 },
  'half.p99_ms': { below: 40 },
};

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '15' },
    'light-seconds': { type: 'string', default: '10' },
    commands: { type: 'string', default: '20000' },
  },
  strict: true,
});
const seconds = integerOption(values, 'seconds', 1);
const lightSeconds = integerOption(values, 'light-seconds', 1);
const commands = integerOption(values, 'commands', 100);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();

log('starting a private Redis and PostgreSQL…');
const servers = await startPrivateServers();
process.env.REDIS_URL = servers.redis.url;
process.env.DATABASE_URL = servers.postgres.url;
let engine: Awaited<ReturnType<typeof runServiceBench>>;
let redisBytes: number;
let closed: LoadRun;
let light: LoadRun;
let half: LoadRun;
let cpu: Record<string, number>;
const loads: Record<string, number> = {};
const yardsticks: Record<string, Yardstick> = {};
try {
  // a. the engine service alone
  yardsticks.a = await measureYardstick();
  log(`a. engine service alone: ${commands.toLocaleString('en-US')} commands…`);
  const bytesBefore = await redisInputBytes(servers.redis.url);
  engine = await runServiceBench({
    commands,
    accounts: 1_000,
    senders: 4,
    window: 400,
    snapshotEveryCommands: 5_000,
    log,
  });
  redisBytes = (await redisInputBytes(servers.redis.url)) - bytesBefore;
  loads.a = os.loadavg()[0] ?? 0;

  // b. the whole path
  log('b. starting the stack (market makers and UI off)…');
  const stack = await child<{ port: number }>(new URL('../e2e/exchange-child.ts', import.meta.url), {
    ...process.env,
    BENCH_MARKET_MAKERS: 'false',
  });
  try {
    const port = stack.ready.port;
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
    yardsticks.b = await measureYardstick();

    log(`closed loop, ${CONNECTIONS} connections, ${seconds} s…`);
    const pid = stack.process.pid as number;
    const before = new Map(readAllStats().map((s) => [s.pid, s.cpuTicks]));
    const selfBefore = process.cpuUsage();
    closed = await closedLoop(port, keys, CONNECTIONS, seconds);
    const self = process.cpuUsage(selfBefore);
    const labels = labelStack(pid, { postgres: servers.postgres.pid, redis: servers.redis.pid });
    cpu = {
      ...cpuMicrosBetween(before, ticksOf(labels.keys()), labels, TICKS_PER_SECOND),
      'load-generator': self.user + self.system,
    };
    loads.b = os.loadavg()[0] ?? 0;

    // c. open loop
    yardsticks.c = await measureYardstick();
    log(`open loop, ${LIGHT_RATE} orders/s, ${lightSeconds} s…`);
    light = await openLoop(port, keys, LIGHT_RATE, lightSeconds);
    const halfRate = Math.max(1, Math.round(closed.ordersPerS / 2));
    log(`open loop, ${halfRate} orders/s (half of b), ${lightSeconds} s…`);
    half = await openLoop(port, keys, halfRate, lightSeconds);
    loads.c = os.loadavg()[0] ?? 0;
  } finally {
    await stop(stack.process);
  }
} finally {
  await servers.stop();
}

const host = machine(loadAtStart);
const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const allCommands = engine.commands + engine.fundingCommands;
const perOrder = Object.fromEntries(
  Object.entries(cpu)
    .sort(([, x], [, y]) => y - x)
    .map(([name, micros]) => [name, micros / closed.orders]),
);
const cpuSum = Object.values(perOrder).reduce((a, b) => a + b, 0);
const metrics: Record<string, Metric> = {
  'engine.commands_per_s': { value: Math.round(engine.commandsPerS), unit: 'commands/s' },
  'path.orders_per_s_c64': { value: Math.round(closed.ordersPerS), unit: 'orders/s' },
  'path.ratio': { value: round(closed.ordersPerS / engine.commandsPerS, 3), unit: 'ratio' },
  'light.p50_ms': { value: round(light.p50Ms, 2), unit: 'ms' },
  'light.p99_ms': { value: round(light.p99Ms, 2), unit: 'ms' },
  'half.p50_ms': { value: round(half.p50Ms, 2), unit: 'ms' },
  'half.p99_ms': { value: round(half.p99Ms, 2), unit: 'ms' },
  cpu_us_per_order: { value: Math.round(cpuSum), unit: 'µs' },
  ...Object.fromEntries(
    Object.entries(perOrder).map(([name, micros]) => [
      `cpu_us_per_order.${name}`,
      { value: Math.round(micros), unit: 'µs' },
    ]),
  ),
  redis_bytes_per_command: { value: Math.round(redisBytes / allCommands), unit: 'bytes' },
};

const ms = (n: number): string => n.toFixed(2);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const runs = [closed, light, half];
const report = [
  'Order path: a. the engine service alone; b. signed POST /api/v3/order through the HTTP emulator, handler,',
  "orders.fifo, engine and reply (npm start's stack, market makers and UI off); c. open loop at 100/s and half of b.",
  `${host.cpu}, ${host.cores} cores, Node ${host.node}; private Redis and PostgreSQL; load average ${loadAtStart.toFixed(2)} at start,` +
    ` ${(loads.a ?? 0).toFixed(2)} after a, ${(loads.b ?? 0).toFixed(2)} after b, ${(loads.c ?? 0).toFixed(2)} after c`,
  `machine yardstick before each phase (a child echoing 1 byte over loopback at 1,000/s): ${['a', 'b', 'c']
    .map((phase) => {
      const y = yardsticks[phase];
      return y === undefined
        ? ''
        : `${phase} ${y.cpuUsPerMessage} µs CPU / ${y.roundTripP50Us} µs p50 per round trip`;
    })
    .join(', ')}`,
  '',
  `a. engine service: ${int(engine.commandsPerS)} commands/s (${int(engine.commands)} timed commands, enqueue → reply p50 ${ms(engine.replyMs.p50)} ms,` +
    ` p99 ${ms(engine.replyMs.p99)} ms); ${int(redisBytes / allCommands)} bytes to Redis per command (${int(allCommands)} commands incl. deposits)`,
  '',
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
  `CPU per order during b (${int(closed.orders)} orders; /proc utime+stime, ${TICKS_PER_SECOND} ticks/s)`,
  table([
    ['process', 'µs/order'],
    ...Object.entries(perOrder).map(([name, micros]) => [name, int(micros)]),
    ['sum', int(cpuSum)],
  ]),
  '',
  'Targets',
  table([
    ['metric', 'value', 'target', 'met'],
    ...verdictsOf(metrics, TARGETS).map((v) => [v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']),
  ]),
].join('\n');
console.log(report);

const file = new URL(`path-${date.replace(/:/g, '-')}.json`, RESULTS_DIR);
writeFileSync(
  file,
  `${JSON.stringify({ bench: 'path', date, machine: host, loads, yardsticks, seconds, lightSeconds, engine, redisBytes, runs, cpuMicros: cpu, metrics }, null, 2)}\n`,
);
writeReadmeSection(
  RESULTS_DIR,
  'path',
  `## Order path (\`npm run bench:path\`), ${date}\n\n\`\`\`\n${report}\n\`\`\``,
);
if (values.json) console.log(JSON.stringify({ bench: 'path', node: host.node, cores: host.cores, metrics }));
