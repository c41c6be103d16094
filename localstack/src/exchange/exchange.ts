/**
 * The whole exchange on one machine — what `npm start` runs and what the end-to-end
 * tests start on free ports:
 *
 * 1. the local cloud: Redis and PostgreSQL, fauxqs with the queues, the HTTP and
 *    WebSocket API emulators with every route (handlers run in this process);
 * 2. the functions' migrations (the engine applies its own when it starts);
 * 3. the engine service (its own process, `engine-service/src/main.ts`);
 * 4. the DB processor on `events.fifo` (this process, through the SQS poller), and
 *    the withdrawal settlement on a timer (this process, as a schedule would);
 * 5. the WebSocket fan-out (its own process, `engine-service/src/fanout-main.ts`);
 * 6. the market makers (their own process, trading through the REST API).
 *
 * Every part logs through one prefixed writer per service; `close()` stops them in
 * reverse order. A second start resumes from the persisted journal and database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_QUEUE, ORDERS_QUEUE } from '@exchange/protocol';
import { SqsEventSource } from '../event-source/index.js';
import { type LocalCloud, startLocalCloud } from '../local-cloud.js';
import { findFreePort } from '../services/free-port.js';
import { projectRoot } from '../services/project-dir.js';
import { createSqsClient } from '../sqs/index.js';
import { prefixedWriter } from './log-lines.js';
import { answers, type ServiceProcess, startServiceProcess } from './service-process.js';

/** Default ports of the parts that are not the local cloud's. */
export const EXCHANGE_PORTS = { engineHealth: 4002, fanoutHealth: 4003 } as const;

export interface ExchangeOptions {
  readonly ports?: {
    readonly sqs?: number;
    readonly httpApi?: number;
    readonly webSocketApi?: number;
    readonly engineHealth?: number;
    readonly fanoutHealth?: number;
  };
  /** Start the market makers; default true. */
  readonly marketMakers?: boolean;
  /** Extra environment for every service (tests: `REDIS_PREFIX`, `MM_SEED`…). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where a service's lines go; default: prefixed and coloured on stdout. */
  readonly writer?: (service: string, index: number) => (line: string) => void;
}

export interface RunningExchange {
  readonly cloud: LocalCloud;
  /** Every URL, by name: `rest`, `websocket`, `engineHealth`, … */
  readonly urls: Readonly<Record<string, string>>;
  /** The environment the services run with (for clients and tests). */
  readonly env: Readonly<Record<string, string>>;
  /** The engine process: tests restart it. */
  engine(): ServiceProcess;
  /** Stops the engine process and starts a new one (it recovers from the journal). */
  restartEngine(): Promise<void>;
  close(): Promise<void>;
}

const SERVICES = ['cloud', 'engine', 'db-processor', 'fanout', 'settlement', 'market-maker'] as const;

export async function startExchange(options: ExchangeOptions = {}): Promise<RunningExchange> {
  const writerOf =
    options.writer ?? ((service: string, index: number) => prefixedWriter(service, index, { width: 12 }));
  const writer = (service: (typeof SERVICES)[number]) => writerOf(service, SERVICES.indexOf(service));
  const log = writer('cloud');
  const root = projectRoot();
  const stops: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(String(error)));
  };

  try {
    // 1. the local cloud
    const ports = options.ports ?? {};
    const cloud = await startLocalCloud({
      ports: {
        ...(ports.sqs === undefined ? {} : { sqs: ports.sqs }),
        ...(ports.httpApi === undefined ? {} : { httpApi: ports.httpApi }),
        ...(ports.webSocketApi === undefined ? {} : { webSocketApi: ports.webSocketApi }),
      },
      log,
    });
    stops.push(() => cloud.close());
    const env: Record<string, string> = {
      DATABASE_URL: cloud.services.postgres.url,
      REDIS_URL: cloud.services.redis.url,
      SQS_ENDPOINT: cloud.sqs.endpoint,
      AWS_REGION: cloud.sqs.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ORDERS_QUEUE: ORDERS_QUEUE.name,
      EVENTS_QUEUE: EVENTS_QUEUE.name,
      EVENTS_DLQ_URL: cloud.sqs.queueUrls[EVENTS_QUEUE.deadLetterQueue.name] ?? '',
      WS_MANAGEMENT_ENDPOINT: cloud.webSocketApi.managementEndpoint,
      API_URL: cloud.httpApi.url,
      // Short long polls: a stopping engine lets its receives finish, so Ctrl-C is quick.
      SQS_WAIT_SECONDS: '2',
      ...options.env,
    };
    // The route handlers run in this process and read their settings on first use.
    Object.assign(process.env, env);
    stops.push(closeFunctionClients);

    // 2. the functions' schema
    const { migrateFunctionsDatabase } = await import('@exchange/functions/db/migrate');
    const applied = await migrateFunctionsDatabase(env.DATABASE_URL as string, {
      dir: join(root, 'functions', 'migrations'),
    });
    log(`functions migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);

    // 3. the engine
    const enginePort = await portOrFree(ports.engineHealth ?? EXCHANGE_PORTS.engineHealth);
    const startEngine = () =>
      startServiceProcess({
        name: 'engine',
        command: process.execPath,
        args: [
          '--no-allocation-site-pretenuring',
          '--max-semi-space-size=64',
          '--import',
          'tsx',
          'src/main.ts',
        ],
        cwd: join(root, 'engine-service'),
        env: { ...env, ENGINE_HEALTH_PORT: String(enginePort) },
        write: writer('engine'),
        ready: answers(`http://127.0.0.1:${enginePort}/health`),
      });
    let engine = await startEngine();
    stops.push(() => engine.stop());

    // 4. the DB processor and the withdrawal settlement, in this process
    const sqsClient = createSqsClient({ endpoint: cloud.sqs.endpoint, region: cloud.sqs.region });
    const { handler: dbProcessor } = await import('@exchange/functions/db-processor/handler');
    const dbLog = writer('db-processor');
    const eventsQueueUrl = cloud.sqs.queueUrls[EVENTS_QUEUE.name] as string;
    const source = new SqsEventSource({
      client: sqsClient,
      queueUrl: eventsQueueUrl,
      handler: dbProcessor,
      functionName: 'db-processor',
      waitTimeSeconds: 2,
      onError: (error) => dbLog(`batch failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    source.start();
    stops.push(async () => {
      await source.stop();
      sqsClient.destroy();
    });
    dbLog(`polling ${EVENTS_QUEUE.name}`);

    const { handler: settle } = await import('@exchange/functions/withdrawals/settle');
    const settleLog = writer('settlement');
    const settleEveryMs = Number(process.env.WITHDRAWAL_SETTLE_EVERY_MS || 2_000);
    let settling = Promise.resolve();
    const timer = setInterval(() => {
      settling = settling
        .then(() => settle())
        .then(
          (run) => {
            if (run.settled > 0) settleLog(`settled ${run.settled} withdrawal(s)`);
          },
          (error: unknown) =>
            settleLog(`run failed: ${error instanceof Error ? error.message : String(error)}`),
        );
    }, settleEveryMs);
    stops.push(async () => {
      clearInterval(timer);
      await settling;
    });

    // 5. the WebSocket fan-out
    const fanoutPort = await portOrFree(ports.fanoutHealth ?? EXCHANGE_PORTS.fanoutHealth);
    const fanoutEntry = join(root, 'engine-service', 'src', 'fanout-main.ts');
    if (existsSync(fanoutEntry)) {
      const fanout = await startServiceProcess({
        name: 'fanout',
        command: process.execPath,
        args: ['--import', 'tsx', 'src/fanout-main.ts'],
        cwd: join(root, 'engine-service'),
        env: { ...env, FANOUT_HEALTH_PORT: String(fanoutPort) },
        write: writer('fanout'),
        ready: answers(`http://127.0.0.1:${fanoutPort}/health`),
      });
      stops.push(() => fanout.stop());
    }

    // 6. the market makers
    if (options.marketMakers ?? true) {
      const bots = await startServiceProcess({
        name: 'market-maker',
        command: process.execPath,
        args: ['--import', 'tsx', 'src/main.ts'],
        cwd: join(root, 'market-maker'),
        env: { ...env, MM_STATE_FILE: join(root, '.local', 'market-maker.json') },
        write: writer('market-maker'),
        stopTimeoutMs: 10_000,
      });
      stops.push(() => bots.stop());
    }

    return {
      cloud,
      env,
      urls: {
        rest: cloud.httpApi.url,
        websocket: cloud.webSocketApi.url,
        apiHealth: `${cloud.httpApi.url}/health`,
        engineHealth: `http://127.0.0.1:${enginePort}/health`,
        ...(existsSync(fanoutEntry) ? { fanoutHealth: `http://127.0.0.1:${fanoutPort}/health` } : {}),
        connections: cloud.webSocketApi.managementEndpoint,
        sqs: cloud.sqs.endpoint,
        redis: cloud.services.redis.url,
        postgres: cloud.services.postgres.url,
      },
      engine: () => engine,
      async restartEngine() {
        await engine.stop();
        engine = await startEngine();
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** `port`, or a free one for 0 (a child process must be told its port up front). */
async function portOrFree(port: number): Promise<number> {
  return port === 0 ? findFreePort() : port;
}

/** Closes the connections the route handlers opened in this process (pool, Redis, SQS). */
async function closeFunctionClients(): Promise<void> {
  const [{ closeDatabase }, { closeRedis }, { closeReplies }, { resetOrdersQueue }] = await Promise.all([
    import('@exchange/functions/db/pool'),
    import('@exchange/functions/db/redis'),
    import('@exchange/functions/engine-client/replies'),
    import('@exchange/functions/engine-client/orders-queue'),
  ]);
  await Promise.all([closeDatabase(), closeRedis(), closeReplies()]);
  resetOrdersQueue();
}
