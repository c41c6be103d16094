/**
 * `npm run bench:ws [-- --json] [--clients N] [--trades-per-s T] [--seconds S] [--warmup W] [--shards K] [--cpu-prof-dir D]`
 *
 * The WebSocket streams under load: `--clients` sockets (1,000) on the API Gateway
 * WebSocket emulator, each subscribed to `trades@SOL_USDC` and `depth@SOL_USDC`, while
 * `--trades-per-s` trades (200) flow through the real engine (orders sent to fauxqs).
 * The fan-out runs as its own process (`engine-service/src/fanout-main.ts`; `--shards`
 * of them, each serving its share of the connections: `FANOUT_SHARD=i/K`), the
 * clients in another (`clients-child.ts`); the engine, fauxqs and the emulator run here.
 *
 * Measured over `--seconds` after `--warmup`: delivery latency from the engine's event
 * (`time` of the trade, or of the newest diff in a merged depth message) to the
 * client, messages delivered per second over all clients, and gaps (a trade id or
 * depth update id that does not follow the previous one on a client, or a client
 * dropped); and what the fan-out costs: WebSocket messages per connection per second
 * (each one post to `@connections`; the 99th percentile over connections) and the
 * fan-out process's CPU per frame delivered and per post. With `--cpu-prof-dir` the fan-outs
 * run under `node --cpu-prof` and this process (engine, fauxqs, emulator) is profiled
 * over the measured seconds, all written to that folder. Prints tables, records the run in `bench/results/`, and with `--json`
 * prints the metrics as the last stdout line. Progress goes to stderr.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { migrateEngineDatabase, startEngineService } from '@exchange/engine-service/runtime';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { createScratchDatabase, ensureRedis } from '@exchange/local-services';
import { createSqsClient, startLocalSqs, startWebSocketApi } from '@exchange/localstack';
import { createMarketRegistry, ORDERS_QUEUE, QUEUE_DEFINITIONS, redisKeys } from '@exchange/protocol';
import { pino } from 'pino';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import { writeReadmeSection } from '../results-readme.js';
import { LatencyHistogram } from './latency-histogram.js';
import { startProfile } from './profile.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);
const FANOUT_MAIN = fileURLToPath(new URL('../../../engine-service/src/fanout-main.ts', import.meta.url));
const CLIENTS_CHILD = fileURLToPath(new URL('./clients-child.ts', import.meta.url));
const MARKET = 'SOL_USDC';
/** Pairs of accounts trading with each other: many message groups, as fauxqs hands out one message per group per receive. */
const PAIRS = 50;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    clients: { type: 'string', default: '1000' },
    'trades-per-s': { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    shards: { type: 'string', default: '1' },
    'cpu-prof-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run bench:ws -- [--json] [--clients 1000] [--trades-per-s 200] [--seconds 20] [--warmup 3] [--shards 1] [--cpu-prof-dir DIR]',
  );
  process.exit(0);
}
const integer = (name: string, min: number): number => integerOption(values, name, min);
const options = {
  clients: integer('clients', 1),
  tradesPerS: integer('trades-per-s', 10),
  seconds: integer('seconds', 1),
  warmup: integer('warmup', 0),
  shards: integer('shards', 1),
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 1. the local cloud: Redis, a scratch database, fauxqs, the engine, the emulator
const logger = pino({ level: 'silent' });
const prefix = `bench-ws-${process.pid}:`;
const redis = await ensureRedis();
const db = await createScratchDatabase({
  prefix: 'bench_ws',
  migrate: async (url) => {
    await migrateEngineDatabase(url);
    await migrateFunctionsDatabase(url);
  },
});
Object.assign(process.env, {
  DATABASE_URL: db.url,
  REDIS_URL: redis.url,
  REDIS_PREFIX: prefix,
  LOG_LEVEL: 'warn',
});
const sqs = await startLocalSqs({ port: 0, queues: QUEUE_DEFINITIONS });
const sqsClient = createSqsClient(sqs);
const engine = await startEngineService({
  registry: createMarketRegistry(),
  databaseUrl: db.url,
  redisUrl: redis.url,
  sqsEndpoint: sqs.endpoint,
  region: sqs.region,
  redisKeys: redisKeys(prefix),
  waitTimeSeconds: 1,
  healthPort: 0,
  logger,
});
const api = await startWebSocketApi({ log: () => {} });
log(`emulator ${api.url}; engine ${engine.health.url}`);

// 2. the fan-outs, one process per shard
const profileDir = values['cpu-prof-dir'];
const profileFlags = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
const fanouts = Array.from({ length: options.shards }, (_, shard) =>
  spawn(process.execPath, [...profileFlags, '--import', 'tsx', FANOUT_MAIN], {
    env: {
      ...process.env,
      WS_MANAGEMENT_ENDPOINT: api.managementEndpoint,
      FANOUT_HEALTH_PORT: '0',
      FANOUT_SHARD: `${shard}/${options.shards}`,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const fanoutHealth = await Promise.all(
  fanouts.map(
    (fanout) =>
      new Promise<string>((resolve, reject) => {
        let buffered = '';
        fanout.stdout?.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const match = /"health":"([^"]+)"/.exec(buffered);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        fanout.once('exit', (code) => reject(new Error(`fan-out exited with ${code}`)));
      }),
  ),
);
log(`fan-out ${fanoutHealth.join(', ')}`);

// 3. the clients, their own process
const clients: ChildProcess = fork(CLIENTS_CHILD, [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromClients = <T>(type: string) =>
  new Promise<T>((resolve) => {
    const listen = (message: { type: string }) => {
      if (message.type !== type) return;
      clients.off('message', listen);
      resolve(message as T);
    };
    clients.on('message', listen);
  });
const ready = fromClients<{ clients: number }>('ready');
clients.send({ type: 'setup', url: api.url, clients: options.clients, market: MARKET });
log(`${(await ready).clients} clients subscribed`);

// 4. the order flow: every tick, pairs of crossing orders at one price
let request = 0;
const send = async (commands: Record<string, unknown>[]) => {
  const batches = [];
  for (let i = 0; i < commands.length; i += 10) {
    const Entries = commands.slice(i, i + 10).map((c, j) => ({
      Id: String(j),
      MessageBody: JSON.stringify(c),
      MessageGroupId: String(c.accountId),
      MessageDeduplicationId: String(c.requestId),
    }));
    batches.push(
      sqsClient.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrls[ORDERS_QUEUE.name], Entries })),
    );
  }
  await Promise.all(batches);
};
const order = (accountId: string, side: 'BUY' | 'SELL') => ({
  type: 'CREATE_ORDER',
  requestId: `o-${++request}`,
  accountId,
  market: MARKET,
  side,
  orderType: 'LIMIT',
  price: '100.00',
  quantity: '0.100',
});
const deposits = Array.from({ length: PAIRS }, (_, i) => [
  { type: 'DEPOSIT', requestId: `d-${++request}`, accountId: `maker-${i}`, asset: 'SOL', amount: '1000000' },
  {
    type: 'DEPOSIT',
    requestId: `d-${++request}`,
    accountId: `taker-${i}`,
    asset: 'USDC',
    amount: '1000000000',
  },
]).flat();
await send(deposits);
const TICK_MS = 50;
const perTick = Math.max(1, Math.round((options.tradesPerS * TICK_MS) / 1000));
let pair = 0;
let running = true;
let lateTicks = 0;
const flow = (async () => {
  let next = Date.now();
  while (running) {
    const commands: Record<string, unknown>[] = [];
    for (let i = 0; i < perTick; i++) {
      const p = pair++ % PAIRS;
      commands.push(order(`maker-${p}`, 'SELL'), order(`taker-${p}`, 'BUY'));
    }
    await send(commands);
    next += TICK_MS;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else lateTicks++;
  }
})();

// 5. warm up, measure, collect
await sleep(options.warmup * 1000);
/** The fan-outs' numeric counters, summed over the shards. */
const statsOf = async () => {
  const sum: Record<string, number> = {};
  for (const url of fanoutHealth) {
    const stats = (await (await fetch(url)).json()) as Record<string, unknown>;
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return sum;
};
const fanoutBefore = await statsOf();
const engineBefore = (await (await fetch(engine.health.url)).json()) as { lastSeq: number };
clients.send({ type: 'measure' });
const profile = profileDir === undefined ? undefined : await startProfile(profileDir);
const started = Date.now();
await sleep(options.seconds * 1000);
await profile?.stop();
const report = fromClients<{
  histogram: number[];
  messages: number;
  gaps: number;
  open: number;
  postsPerSocket: number[];
}>('report');
clients.send({ type: 'report' });
const result = await report;
const elapsedS = (Date.now() - started) / 1000;
const fanoutAfter = await statsOf();
const engineAfter = (await (await fetch(engine.health.url)).json()) as { lastSeq: number };
running = false;
await flow;

const histogram = new LatencyHistogram();
histogram.merge(result.histogram);
const tradesPerS = (engineAfter.lastSeq - engineBefore.lastSeq) / 2 / elapsedS;
const delta = (key: string) => ((fanoutAfter[key] ?? 0) - (fanoutBefore[key] ?? 0)) / elapsedS;
const round = (value: number, digits: number) => Number(value.toFixed(digits));
const postRates = result.postsPerSocket.map((posts) => posts / elapsedS).sort((a, b) => a - b);
const postsP99 = postRates[Math.max(0, Math.ceil(0.99 * postRates.length) - 1)] ?? 0;
const cpuPerFrame = delta('cpuUs') / Math.max(1, delta('frames'));
const metrics: Record<string, Metric> = {
  delivery_p50_ms: { value: round(histogram.percentile(0.5), 1), unit: 'ms' },
  delivery_p99_ms: { value: round(histogram.percentile(0.99), 1), unit: 'ms' },
  messages_per_s: { value: Math.round(result.messages / elapsedS), unit: 'messages/s' },
  gaps: { value: result.gaps, unit: 'gaps' },
  posts_per_connection_per_s: { value: round(postsP99, 1), unit: 'posts/s' },
  fanout_cpu_us_per_frame: { value: round(cpuPerFrame, 2), unit: 'µs' },
};

// 6. shut down
clients.send({ type: 'close' });
await once(clients, 'exit');
for (const fanout of fanouts) fanout.kill('SIGTERM');
await Promise.all(fanouts.map((fanout) => once(fanout, 'exit')));
await api.close();
await engine.stop();
sqsClient.destroy();
await sqs.close();
await db.drop();
await redis.stop();
const host = machine(loadAtStart);

const lines = [
  `WebSocket streams: ${options.clients} clients on trades@${MARKET} + depth@${MARKET}, ${options.tradesPerS} trades/s offered, ${options.shards} fan-out shard(s)`,
  `(${round(tradesPerS, 1)} trades/s applied; ${lateTicks} late order ticks); ${elapsedS.toFixed(1)} s measured after ${options.warmup} s warm-up`,
  table([
    ['measure', 'value'],
    ['delivery p50, ms', String(metrics.delivery_p50_ms?.value)],
    ['delivery p99, ms', String(metrics.delivery_p99_ms?.value)],
    ['delivery p99.9, ms', String(histogram.percentile(0.999))],
    ['delivery max, ms', String(histogram.percentile(1))],
    ['messages delivered / s (all clients)', String(metrics.messages_per_s?.value)],
    ['gaps (incl. dropped clients)', String(result.gaps)],
    ['clients open at the end', String(result.open)],
    ['fan-out posts / s', String(Math.round(delta('posts')))],
    ['fan-out frames / s', String(Math.round(delta('frames')))],
    ['frames per post', (delta('frames') / Math.max(1, delta('posts'))).toFixed(1)],
    ['posts / connection / s, p99 over connections', String(metrics.posts_per_connection_per_s?.value)],
    ['fan-out CPU per frame, µs', String(metrics.fanout_cpu_us_per_frame?.value)],
    ['fan-out CPU per post, µs', (delta('cpuUs') / Math.max(1, delta('posts'))).toFixed(1)],
    ['fan-out slow drops, gone', `${fanoutAfter.slowDropped ?? 0}, ${fanoutAfter.gone ?? 0}`],
  ]),
  '',
  `target: delivery_p99_ms < 100 → ${(metrics.delivery_p99_ms?.value ?? Infinity) < 100 ? 'met' : 'NOT met'}; posts_per_connection_per_s ≤ 10 → ${postsP99 <= 10 ? 'met' : 'NOT met'}; gaps = 0 → ${result.gaps === 0 ? 'met' : 'NOT met'}`,
];
console.log(lines.join('\n'));

const record = {
  bench: 'ws',
  date,
  machine: host,
  options,
  metrics,
  fanout: fanoutAfter,
  lateTicks,
  tradesPerS,
};
const file = new URL(`ws-${date.replace(/:/g, '-')}.json`, RESULTS_DIR);
writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
writeReadmeSection(
  RESULTS_DIR,
  'ws',
  [
    `## ws (${date}, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage.start.toFixed(1)} → ${host.loadAverage.end.toFixed(1)})`,
    '',
    `${options.clients} clients on trades + depth of ${MARKET}, ${options.tradesPerS} trades/s offered, ${options.seconds} s measured.`,
    '',
    '| metric | value |',
    '| --- | --- |',
    ...Object.entries(metrics).map(([key, m]) => `| \`${key}\` | ${m.value} ${m.unit} |`),
  ].join('\n'),
);
log(`recorded ${file.pathname}`);
if (values.json) {
  console.log(JSON.stringify({ bench: 'ws', node: process.version, cores: host.cores, metrics }));
}
process.exit(0);
