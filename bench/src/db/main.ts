/**
 * `npm run bench:db [-- --json] [--trades N] [--load N] [--queries N]`
 *
 * The persistence path: trades persisted per second by the DB processor
 * (`processor-run.ts`) against the engine core's own output rate for the same stream
 * and the processor's lag behind it, then the p99 of the candle query with millions of trades
 * stored (`load.ts`, `query-run.ts`). A scratch database of its own, dropped at the
 * end. Prints the tables, records full runs in `bench/results/` and, with `--json`,
 * prints the metrics as the last stdout line. Progress goes to stderr.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { createScratchDatabase } from '@exchange/local-services';
import { type Metric, table } from '../engine/report.js';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import { loadTrades } from './load.js';
import { type PipelineResult, runPipelineBench } from './pipeline-run.js';
import { type ProcessorBenchResult, runProcessorBench } from './processor-run.js';
import { measureKlines } from './query-run.js';
import { verdicts, writeResults } from './results.js';

const RESULTS_DIR = new URL('../../results/', import.meta.url);
const FULL_LOAD = 5_000_000;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    trades: { type: 'string', default: '50000' },
    commands: { type: 'string', default: '60000' },
    'alongside-seconds': { type: 'string', default: '30' },
    load: { type: 'string', default: String(FULL_LOAD) },
    queries: { type: 'string', default: '1000' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run bench:db -- [--json] [--trades N (50000)] [--commands N (60000)] [--alongside-seconds S (30)] [--load N (5000000)] [--queries N (1000)]',
  );
  process.exit(0);
}
const integer = (
  name: 'trades' | 'load' | 'queries' | 'commands' | 'alongside-seconds',
  min: number,
): number => integerOption(values, name, min);
const options = {
  trades: integer('trades', 1_000),
  load: integer('load', 10_000),
  queries: integer('queries', 10),
  commands: integer('commands', 1_000),
  alongsideSeconds: integer('alongside-seconds', 1),
};
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();

const db = await createScratchDatabase({
  prefix: 'bench_db',
  migrate: migrateFunctionsDatabase,
  poolSize: 4,
});
let processor: ProcessorBenchResult[];
let pipeline: PipelineResult;
let load: Awaited<ReturnType<typeof loadTrades>>;
let queries: Awaited<ReturnType<typeof measureKlines>>[];
try {
  processor = [];
  for (const lanes of ['serial', 'per-group'] as const) {
    processor.push(await runProcessorBench(db.pool, options.trades, lanes, log));
  }
  pipeline = await runPipelineBench({
    commands: options.commands,
    alongsideSeconds: options.alongsideSeconds,
    accounts: 2_000,
    log,
  });
  load = await loadTrades(db.pool, options.load, { log });
  const range = { first: load.firstTime, last: load.lastTime };
  log('klines 1m over 24 h…');
  const day = await measureKlines(db.pool, '1m', 86_400_000, range, options.queries);
  log('klines 1h over 30 days…');
  const month = await measureKlines(db.pool, '1h', 30 * 86_400_000, range, options.queries);
  queries = [day, month];
} finally {
  await db.drop();
}
const host = machine(loadAtStart);

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const serial = processor[0] as ProcessorBenchResult;
const [day, month] = queries as [(typeof queries)[0], (typeof queries)[0]];
const metrics: Record<string, Metric> = {
  trades_per_s: { value: Math.round(serial.tradesPerS), unit: 'trades/s' },
  engine_core_trades_per_s: { value: Math.round(serial.engineTradesPerS), unit: 'trades/s' },
  engine_trades_per_s: { value: Math.round(pipeline.catchUp.engineTradesPerS), unit: 'trades/s' },
  processor_trades_per_s: { value: Math.round(pipeline.catchUp.processorTradesPerS), unit: 'trades/s' },
  trades_per_s_ratio: {
    value: round(pipeline.catchUp.processorTradesPerS / pipeline.catchUp.engineTradesPerS, 2),
    unit: '×',
  },
  lag_p99_ms: { value: Math.round(pipeline.alongside.lagMs.p99), unit: 'ms' },
  klines_1m_24h_p99_ms: { value: round(day.p99, 2), unit: 'ms' },
  klines_1h_30d_p99_ms: { value: round(month.p99, 2), unit: 'ms' },
};

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);
console.log(
  [
    'DB processor: engine events in events.fifo records, batches of ≤ 10, one statement per batch',
    table([
      [
        'lanes',
        'trades',
        'events',
        'batches',
        'seconds',
        'trades/s',
        'events/s',
        'batch p50 ms',
        'batch p99 ms',
      ],
      ...processor.map((p) => [
        `${p.lanes} (${p.laneCount})`,
        int(p.trades),
        int(p.events),
        int(p.batches),
        p.seconds.toFixed(2),
        int(p.tradesPerS),
        int(p.eventsPerS),
        ms(p.batchMs.p50),
        ms(p.batchMs.p99),
      ]),
    ]),
    `Engine core producing the same records at full speed: ${int(serial.engineTradesPerS)} trades/s (${serial.engineSeconds.toFixed(2)} s)`,
    '',
    'The engine service at saturation → events.fifo → the DB processor (poller process + handler)',
    table([
      ['run', 'commands', 'trades', 'engine s', 'engine cmd/s', 'engine trades/s', 'processor'],
      [
        'catch-up',
        int(pipeline.catchUp.commands),
        int(pipeline.catchUp.trades),
        pipeline.catchUp.engineSeconds.toFixed(2),
        int(pipeline.catchUp.engineCommandsPerS),
        int(pipeline.catchUp.engineTradesPerS),
        `drained in ${pipeline.catchUp.drainSeconds.toFixed(2)} s: ${int(pipeline.catchUp.processorTradesPerS)} trades/s`,
      ],
      [
        'alongside',
        int(pipeline.alongside.commands),
        int(pipeline.alongside.trades),
        pipeline.alongside.engineSeconds.toFixed(2),
        int(pipeline.alongside.engineCommandsPerS),
        int(pipeline.alongside.engineTradesPerS),
        `newest trade stored is p50 ${int(pipeline.alongside.lagMs.p50)} / p99 ${int(pipeline.alongside.lagMs.p99)} / max ${int(pipeline.alongside.lagMs.max)} ms old (${pipeline.alongside.samples} samples)`,
      ],
    ]),
    '',
    `Stored: ${int(load.trades)} trades over ${int((load.lastTime - load.firstTime) / 86_400_000)} days loaded in ${load.seconds.toFixed(1)} s through the klines trigger;` +
      ` ${int(load.klineRows)} candle rows; candles = GROUP BY of raw trades (${load.checked}): ${load.exact}`,
    table([
      ['klines query', 'queries', 'candles', 'p50 ms', 'p99 ms', 'max ms'],
      ...queries.map((q) => [
        `${q.interval} over ${int(q.windowMs / 3_600_000)} h`,
        int(q.queries),
        int(q.candles),
        ms(q.p50),
        ms(q.p99),
        ms(q.max),
      ]),
    ]),
    '',
    'Targets',
    table([
      ['metric', 'value', 'target', 'met'],
      ...verdicts(metrics).map((v) => [v.key, String(v.value), v.target, v.met ? 'yes' : 'NO']),
    ]),
    '',
    `Load average (1 min): ${host.loadAverage.start.toFixed(2)} at start, ${host.loadAverage.end.toFixed(2)} at end; ${host.cores} cores.`,
  ].join('\n'),
);
if (!load.exact) {
  console.log('WARNING: stored candles differ from the raw trades.');
  process.exitCode = 1;
}
if (options.load >= FULL_LOAD) {
  const file = writeResults(RESULTS_DIR, {
    bench: 'db',
    date,
    machine: host,
    options,
    metrics,
    processor,
    pipeline,
    load,
    queries,
  });
  console.log(`\nRecorded in ${file}`);
} else {
  console.log(`\nSmaller load than ${int(FULL_LOAD)} trades: not recorded.`);
}
if (values.json) {
  console.log(JSON.stringify({ bench: 'db', node: host.node, cores: host.cores, metrics }));
}
