/**
 * The whole exchange on one machine — what `npm start` runs and what the end-to-end
 * tests start on free ports. This process plays AWS: API Gateway and the Lambdas behind
 * it are always there, and ECS (or the event source mapping, or the schedule) restarts
 * whatever else dies.
 *
 * Started in dependency order, stopped in the reverse:
 *
 * 1. the local cloud: Redis and PostgreSQL, fauxqs with the queues, the HTTP and
 *    WebSocket API emulators with every route (handlers run in this process);
 * 2. the functions' migrations, as the admin (the engine applies its own when it
 *    starts); from here on each component connects as its own database role;
 * 3. the engine service (`engine-service/src/main.ts`), ready once its `/health` answers;
 * 4. the consumers of what the engine publishes: the DB processor on `events.fifo`
 *    (the SQS poller, `event-source/event-source-process.ts`), the withdrawal
 *    settlement (a schedule, `schedule/schedule-process.ts`) and the WebSocket fan-out
 *    (`engine-service/src/fanout-main.ts`, ready once its `/health` answers; with
 *    `FANOUT_SHARDS=K`, K of them, `fanout-0` … `fanout-{K-1}`, each with `FANOUT_SHARD=i/K`);
 * 5. the clients of the API: the market makers (trading through the REST API) and the
 *    UI (`frontend/out`, built first when missing or stale, served by `ui-process.ts`).
 *
 * Every part from 3 on is its own process under a {@link Supervisor}: restarted with
 * backoff when it exits unexpectedly, each change logged, all of it shown by
 * `status()` and `GET /status`. Every part logs through one prefixed writer per
 * service. A second start resumes from the persisted journal and database.
 */
import { join } from 'node:path';
import { findFreePort, projectRoot } from '@exchange/local-services';
import { ENGINE_NODE_FLAGS, EVENTS_QUEUE, ORDERS_QUEUE } from '@exchange/protocol';
import { type LocalCloud, startLocalCloud } from '../local-cloud.js';
import { type LineWriter, prefixedWriter } from './log-lines.js';
import {
  answers,
  localEntry,
  type ServiceProcess,
  type ServiceProcessOptions,
  startServiceProcess,
} from './service-process.js';
import { STATUS_PORT, startStatusServer } from './status-server.js';
import { type ComponentStatus, Supervisor } from './supervisor.js';
import { buildUiIfStale } from './ui-build.js';
import { UI_PORT } from './ui-server.js';

/** Default ports of the parts that are not the local cloud's. */
export const EXCHANGE_PORTS = {
  engineHealth: 4002,
  fanoutHealth: 4003,
  status: STATUS_PORT,
  ui: UI_PORT,
} as const;

/** The supervised processes, by the names `status()` and `component()` use. */
export const COMPONENTS = ['engine', 'db-processor', 'settlement', 'fanout', 'market-maker', 'ui'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export interface ExchangeOptions {
  readonly ports?: {
    readonly sqs?: number;
    readonly httpApi?: number;
    readonly webSocketApi?: number;
    readonly engineHealth?: number;
    readonly fanoutHealth?: number;
    /** `GET /status` (default 4004; a free port when `httpApi` is 0). */
    readonly status?: number;
    /** The UI's port (default 3000; a free port when `httpApi` is 0). */
    readonly ui?: number;
  };
  /**
   * Build (when stale) and serve the UI. Default: on, except for a stack on a free REST
   * port (`httpApi: 0`, as tests start it) that gives no UI port either.
   */
  readonly ui?: boolean;
  /** Start the market makers; default true. */
  readonly marketMakers?: boolean;
  /** Extra environment for every service (tests: `REDIS_PREFIX`, `MM_SEED`…). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where a service's lines go; default: prefixed and coloured on stdout. */
  readonly writer?: (service: string, index: number) => LineWriter;
  /**
   * Use these Redis and PostgreSQL servers as they are, instead of `ensureServices()`'s
   * choice (a fault-injection test runs, and restarts, its own).
   */
  readonly services?: { readonly redisUrl: string; readonly databaseUrl: string };
}

/** What `GET /status` answers. */
export interface ExchangeStatus {
  readonly components: readonly ComponentStatus[];
  /** The engine's own `/health` (`lagMs`, `lastSeq`, `queueDepth`…), when it answers. */
  readonly engine?: Readonly<Record<string, unknown>>;
}

export interface RunningExchange {
  readonly cloud: LocalCloud;
  /** Every URL, by name: `rest`, `websocket`, `engineHealth`, `status`, … */
  readonly urls: Readonly<Record<string, string>>;
  /** The environment the services run with (for clients and tests). */
  readonly env: Readonly<Record<string, string>>;
  /** The engine's current process. */
  engine(): ServiceProcess;
  /** Stops the engine process and starts a new one (it recovers from the journal). */
  restartEngine(): Promise<void>;
  /** Every supervised component's state, and the engine's health. */
  status(): Promise<ExchangeStatus>;
  /**
   * One component's status with its current `pid` (none while it is down), or undefined
   * for a component this stack does not run: `process.kill(component('engine')?.pid, …)`.
   */
  component(name: string): ComponentStatus | undefined;
  /** Stops everything, clients first, servers last. */
  close(): Promise<void>;
  /** SIGKILLs every supervised process at once (a second Ctrl-C). */
  kill(): void;
}

const SERVICES = ['cloud', 'supervisor', ...COMPONENTS] as const;

export async function startExchange(options: ExchangeOptions = {}): Promise<RunningExchange> {
  const writerOf =
    options.writer ?? ((service: string, index: number) => prefixedWriter(service, index, { width: 12 }));
  const writer = (service: (typeof SERVICES)[number]) => writerOf(service, SERVICES.indexOf(service));
  const log = writer('cloud');
  const supervisorLog = writer('supervisor');
  const root = projectRoot();
  const ports = options.ports ?? {};
  const onFreePorts = ports.httpApi === 0;
  const supervisors = new Map<string, Supervisor<ServiceProcess>>();
  /** Each stage's stop, in start order; run in reverse. */
  const stops: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(String(error)));
  };

  try {
    // 1. the local cloud
    const cloud = await startLocalCloud({
      ports: {
        ...(ports.sqs === undefined ? {} : { sqs: ports.sqs }),
        ...(ports.httpApi === undefined ? {} : { httpApi: ports.httpApi }),
        ...(ports.webSocketApi === undefined ? {} : { webSocketApi: ports.webSocketApi }),
      },
      ...(options.services === undefined ? {} : { services: options.services }),
      ownProcessGroups: true,
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
    // One database role per component (docs/security.md); the in-process handlers are the API's.
    const { componentDatabaseUrls } = await import('@exchange/functions/db/roles');
    const databaseUrls = componentDatabaseUrls(env.DATABASE_URL as string);
    process.env.DATABASE_URL = databaseUrls.api;

    const enginePort = await portOrFree(ports.engineHealth ?? EXCHANGE_PORTS.engineHealth);
    const engineHealth = `http://127.0.0.1:${enginePort}/health`;
    const status = async (): Promise<ExchangeStatus> => {
      const components = [...supervisors.values()].map((supervisor) => supervisor.status());
      const health = await fetch(engineHealth, { signal: AbortSignal.timeout(1_000) })
        .then((response) => response.json() as Promise<Record<string, unknown>>)
        .catch(() => undefined);
      return { components, ...(health === undefined ? {} : { engine: health }) };
    };
    const statusServer = await startStatusServer({
      port: ports.status ?? (onFreePorts ? 0 : EXCHANGE_PORTS.status),
      status,
    });
    stops.push(() => statusServer.close());

    /** A supervisor for `name`, starting `service` with the common `env` plus its `extraEnv`. */
    const supervise = (
      name: ComponentName | `fanout-${number}`,
      service: Omit<ServiceProcessOptions, 'name' | 'env' | 'write' | 'signal'> & {
        readonly extraEnv?: Readonly<Record<string, string>>;
      },
    ): Supervisor<ServiceProcess> => {
      const { extraEnv, ...spawnOptions } = service;
      const supervisor = new Supervisor({
        name,
        log: supervisorLog,
        start: (signal) =>
          startServiceProcess({
            ...spawnOptions,
            name,
            env: { ...env, ...extraEnv },
            // a fan-out shard (`fanout-1`) logs under its own name in the fan-out's colour
            write: writerOf(name, SERVICES.indexOf(name.replace(/-\d+$/, '') as ComponentName)),
            signal,
          }),
      });
      supervisors.set(name, supervisor);
      return supervisor;
    };
    /** Starts one stage's components together; `close()` stops them together. */
    const startStage = async (stage: readonly Supervisor<ServiceProcess>[]): Promise<void> => {
      stops.push(async () => {
        await Promise.all(stage.map((supervisor) => supervisor.stop()));
      });
      await Promise.all(stage.map((supervisor) => supervisor.start()));
    };

    // 3. the engine
    const engine = supervise('engine', {
      entry: join(root, 'engine-service', 'src', 'main.ts'),
      nodeOptions: ENGINE_NODE_FLAGS,
      cwd: join(root, 'engine-service'),
      extraEnv: { ENGINE_HEALTH_PORT: String(enginePort), DATABASE_URL: databaseUrls.engine },
      ready: answers(engineHealth),
    });
    await startStage([engine]);

    // 4. the engine's consumers; `FANOUT_SHARDS=K`: K fan-outs (`fanout-0` …), each serving its share of the connections
    const fanoutShards = Number(env.FANOUT_SHARDS || process.env.FANOUT_SHARDS || '1');
    if (!Number.isSafeInteger(fanoutShards) || fanoutShards < 1) throw new Error('FANOUT_SHARDS must be ≥ 1');
    const fanoutPorts = [await portOrFree(ports.fanoutHealth ?? EXCHANGE_PORTS.fanoutHealth)];
    while (fanoutPorts.length < fanoutShards) fanoutPorts.push(await findFreePort());
    const fanoutHealths = fanoutPorts.map((port) => `http://127.0.0.1:${port}/health`);
    const fanoutHealth = fanoutHealths[0] as string;
    await startStage([
      supervise('db-processor', {
        entry: localEntry('event-source/event-source-process.ts'),
        args: [
          cloud.sqs.queueUrls[EVENTS_QUEUE.name] as string,
          '@exchange/functions/db-processor/handler',
          'db-processor',
        ],
        cwd: join(root, 'localstack'),
        extraEnv: { DATABASE_URL: databaseUrls.dbProcessor },
      }),
      supervise('settlement', {
        entry: localEntry('schedule/schedule-process.ts'),
        args: [
          '@exchange/functions/withdrawals/settle',
          env.WITHDRAWAL_SETTLE_EVERY_MS || process.env.WITHDRAWAL_SETTLE_EVERY_MS || '2000',
        ],
        cwd: join(root, 'localstack'),
        extraEnv: { DATABASE_URL: databaseUrls.settlement },
      }),
      ...fanoutHealths.map((health, shard) =>
        supervise(fanoutShards === 1 ? 'fanout' : `fanout-${shard}`, {
          entry: join(root, 'engine-service', 'src', 'fanout-main.ts'),
          cwd: join(root, 'engine-service'),
          extraEnv: {
            FANOUT_HEALTH_PORT: String(fanoutPorts[shard]),
            FANOUT_SHARD: `${shard}/${fanoutShards}`,
            DATABASE_URL: databaseUrls.fanout,
          },
          ready: answers(health),
        }),
      ),
    ]);

    // 5. the API's clients
    const clients: Supervisor<ServiceProcess>[] = [];
    if (options.marketMakers ?? true) {
      clients.push(
        supervise('market-maker', {
          entry: join(root, 'market-maker', 'src', 'main.ts'),
          cwd: join(root, 'market-maker'),
          extraEnv: {
            MM_STATE_FILE:
              env.MM_STATE_FILE || process.env.MM_STATE_FILE || join(root, '.local', 'market-maker.json'),
          },
          stopTimeoutMs: 10_000,
        }),
      );
    }
    let uiUrl: string | undefined;
    if (options.ui ?? (ports.ui !== undefined || !onFreePorts)) {
      await buildUiIfStale(root, writer('ui'));
      const uiPort = await portOrFree(ports.ui ?? (onFreePorts ? 0 : EXCHANGE_PORTS.ui));
      uiUrl = `http://127.0.0.1:${uiPort}`;
      clients.push(
        supervise('ui', {
          entry: localEntry('exchange/ui-process.ts'),
          args: [join(root, 'frontend', 'out'), String(uiPort), cloud.httpApi.url, cloud.webSocketApi.url],
          cwd: join(root, 'localstack'),
          ready: answers(`${uiUrl}/config.json`),
        }),
      );
    }
    await startStage(clients);

    return {
      cloud,
      env,
      urls: {
        ...(uiUrl === undefined ? {} : { ui: uiUrl }),
        rest: cloud.httpApi.url,
        websocket: cloud.webSocketApi.url,
        apiHealth: `${cloud.httpApi.url}/health`,
        engineHealth,
        fanoutHealth,
        ...Object.fromEntries(fanoutHealths.slice(1).map((url, i) => [`fanoutHealth${i + 1}`, url])),
        status: statusServer.url,
        connections: cloud.webSocketApi.managementEndpoint,
        sqs: cloud.sqs.endpoint,
        redis: cloud.services.redis.url,
        postgres: cloud.services.postgres.url,
      },
      engine() {
        const current = engine.current();
        if (current === undefined) throw new Error(`the engine is ${engine.status().state}`);
        return current;
      },
      restartEngine: () => engine.restart(),
      status,
      component: (name) => supervisors.get(name)?.status(),
      close: closeAll,
      kill() {
        for (const supervisor of supervisors.values()) supervisor.kill();
      },
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
