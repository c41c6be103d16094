/**
 * The DB processor against the engine service that feeds it, in the deployed shape:
 * the engine service at saturation (`runServiceBench`: fauxqs, PostgreSQL, Redis, the
 * service in its own process) publishing to `events.fifo`, and the DB processor as
 * `npm start` runs it — the SQS→Lambda poller in a process of its own invoking the
 * real handler, which writes to a migrated database of its own.
 *
 * Two runs of the same seeded flow:
 * 1. **Catch-up.** The processor is off while the engine runs its timed phase (so
 *    the engine has the machine, as at saturation), then drains the backlog alone:
 *    the engine's trades/s and the processor's, and their ratio — the room the
 *    processor has to catch up after an outage.
 * 2. **Alongside.** The processor runs while the engine runs flat out for about
 *    30 s: every 100 ms the age of the newest trade stored (now − its engine time)
 *    is sampled — how stale history is while the engine is as busy as it gets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import { createSqsClient } from '@exchange/localstack';
import { createMarketRegistry, EVENTS_QUEUE } from '@exchange/protocol';
import { percentile } from '../engine/stats.js';
import { runServiceBench, type ServiceQueues } from '../engine-service/service-run.js';

const POLLER = fileURLToPath(
  new URL('../../../localstack/src/event-source/event-source-process.ts', import.meta.url),
);
const LOCALSTACK = fileURLToPath(new URL('../../../localstack/', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SAMPLE_EVERY_MS = 100;
/** A wait on the queue longer than this fails the run. */
const DRAIN_LIMIT_MS = 600_000;

export interface PipelineOptions {
  /** Commands of the catch-up run's timed phase. */
  readonly commands: number;
  /** How long the alongside run keeps the engine busy, at the catch-up run's rate. */
  readonly alongsideSeconds: number;
  readonly accounts: number;
  readonly log: (line: string) => void;
}

export interface PipelineResult {
  readonly catchUp: {
    readonly commands: number;
    readonly trades: number;
    readonly engineSeconds: number;
    readonly engineCommandsPerS: number;
    readonly engineTradesPerS: number;
    readonly drainSeconds: number;
    /** `events.fifo` messages the engine left for the processor. */
    readonly messages: number;
    readonly processorTradesPerS: number;
  };
  readonly alongside: {
    readonly commands: number;
    readonly trades: number;
    readonly engineSeconds: number;
    readonly engineCommandsPerS: number;
    readonly engineTradesPerS: number;
    readonly samples: number;
    readonly lagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  };
}

export async function runPipelineBench(options: PipelineOptions): Promise<PipelineResult> {
  const { log } = options;
  const window = { commands: options.commands, accounts: options.accounts };

  log(
    `pipeline, catch-up: the engine service alone for ${options.commands.toLocaleString('en-US')} commands…`,
  );
  const catchUp = await withProcessorDatabase(async (db) => {
    let processor: Processor | undefined;
    let drainSeconds = 0;
    let backlog = { visible: 0, inFlight: 0 };
    const engine = await runServiceBench({
      ...window,
      senders: 4,
      window: 2_000,
      snapshotEveryCommands: 1_000_000,
      alongside: {
        // The funding deposits are stored first, so the drain counts only the timed phase's.
        ready: async (queues) => {
          processor = startProcessor(queues, db.url);
        },
        funded: async (queues) => {
          await drained(queues);
          await processor?.stop();
        },
        timedDone: async (queues) => {
          backlog = await queueCounts(queues);
          log(`pipeline, catch-up: the processor drains the backlog of ${backlog.visible} messages…`);
          processor = startProcessor(queues, db.url);
          // Timed from its first receive: the process's start (tsx, imports) is not the drain.
          await queueState(queues, (s) => s.inFlight > 0);
          const started = performance.now();
          await drained(queues);
          drainSeconds = (performance.now() - started) / 1_000;
          await processor.stop();
        },
      },
    });
    const trades = await storedTrades(db);
    return {
      commands: engine.commands,
      trades,
      engineSeconds: engine.seconds,
      engineCommandsPerS: engine.commandsPerS,
      engineTradesPerS: trades / engine.seconds,
      drainSeconds,
      messages: backlog.visible,
      processorTradesPerS: trades / drainSeconds,
    };
  });

  const commands = Math.round(catchUp.engineCommandsPerS * options.alongsideSeconds);
  log(`pipeline, alongside: engine and processor together, ${commands.toLocaleString('en-US')} commands…`);
  const alongside = await withProcessorDatabase(async (db) => {
    let processor: Processor | undefined;
    const lags: number[] = [];
    let sampler: NodeJS.Timeout | undefined;
    let sampling: Promise<void> = Promise.resolve();
    const engine = await runServiceBench({
      ...window,
      commands,
      senders: 4,
      window: 2_000,
      snapshotEveryCommands: 1_000_000,
      alongside: {
        ready: async (queues) => {
          processor = startProcessor(queues, db.url);
        },
        // The processor up and caught up with the funding before the timed phase starts.
        funded: async (queues) => {
          await drained(queues);
          const from = Date.now();
          sampler = setInterval(() => {
            sampling = sampling.then(async () => {
              const newest = await newestTradeTime(db);
              if (newest !== null && newest >= from) lags.push(Date.now() - newest);
            });
          }, SAMPLE_EVERY_MS);
        },
        timedDone: async (queues) => {
          clearInterval(sampler);
          await sampling;
          await drained(queues);
          await processor?.stop();
        },
      },
    });
    const trades = await storedTrades(db);
    lags.sort((a, b) => a - b);
    return {
      commands: engine.commands,
      trades,
      engineSeconds: engine.seconds,
      engineCommandsPerS: engine.commandsPerS,
      engineTradesPerS: trades / engine.seconds,
      samples: lags.length,
      lagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) ?? 0 },
    };
  });
  return { catchUp, alongside };
}

async function withProcessorDatabase<T>(run: (db: ScratchDatabase) => Promise<T>): Promise<T> {
  const db = await createScratchDatabase({
    prefix: 'bench_pipeline',
    migrate: migrateFunctionsDatabase,
    poolSize: 2,
  });
  try {
    return await run(db);
  } finally {
    await db.drop();
  }
}

interface Processor {
  stop(): Promise<void>;
}

/** The poller process `npm start` runs, with the DB-processor handler, on `events.fifo`. */
function startProcessor(queues: ServiceQueues, databaseUrl: string): Processor {
  const queueUrl = queues.queueUrls[EVENTS_QUEUE.name];
  if (queueUrl === undefined) throw new Error(`${EVENTS_QUEUE.name} was not created`);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', TSX, POLLER, queueUrl, '@exchange/functions/db-processor/handler', 'db-processor'],
    {
      cwd: LOCALSTACK,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        SQS_ENDPOINT: queues.endpoint,
        AWS_REGION: queues.region,
        LOG_LEVEL: 'warn',
        EVENT_SOURCE_WAIT_SECONDS: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves once `events.fifo` holds no message, visible or in flight. */
async function drained(queues: ServiceQueues): Promise<void> {
  await queueState(queues, (s) => s.visible + s.inFlight === 0);
}

interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
}

/** Resolves once `events.fifo`'s message counts satisfy `done`, polling every 5 ms. */
async function queueState(queues: ServiceQueues, done: (state: QueueCounts) => boolean): Promise<void> {
  const client: SQSClient = createSqsClient({ endpoint: queues.endpoint, region: queues.region });
  try {
    const deadline = performance.now() + DRAIN_LIMIT_MS;
    for (;;) {
      const state = await queueCounts(queues, client);
      if (done(state)) return;
      if (performance.now() > deadline) throw new Error(`events.fifo: ${JSON.stringify(state)} too long`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    client.destroy();
  }
}

async function queueCounts(queues: ServiceQueues, client?: SQSClient): Promise<QueueCounts> {
  const sqs = client ?? createSqsClient({ endpoint: queues.endpoint, region: queues.region });
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.queueUrls[EVENTS_QUEUE.name],
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } finally {
    if (client === undefined) sqs.destroy();
  }
}

async function storedTrades(db: ScratchDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM trades');
  return Number(rows[0]?.n ?? 0);
}

const MARKETS = createMarketRegistry().markets.map((m) => m.symbol);

/** The engine time (ms) of the newest trade stored, by each market's time index. */
async function newestTradeTime(db: ScratchDatabase): Promise<number | null> {
  const { rows } = await db.pool.query<{ t: string | null }>({
    name: 'bench.newest-trade',
    text: `SELECT (extract(epoch FROM max(t.time)) * 1000)::bigint AS t
           FROM unnest($1::text[]) AS m(market),
                LATERAL (SELECT time FROM trades WHERE trades.market = m.market ORDER BY time DESC LIMIT 1) AS t`,
    values: [MARKETS],
  });
  const t = rows[0]?.t;
  return t === null || t === undefined ? null : Number(t);
}
