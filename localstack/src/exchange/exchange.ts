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
 * 6. the market makers (their own process, trading through the REST API);
 * 7. the UI: the Next.js static export in `frontend/out` (built first when missing or
 *    older than its sources), served with `/config.json` and `/api/*` passed through to
 *    the REST API (same origin, so the browser needs no CORS).
 *
 * Every part logs through one prefixed writer per service; `close()` stops them in
 * reverse order. A second start resumes from the persisted journal and database.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
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
    /** The UI's port (default 3000, `UI_PORT` in `npm start`). */
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

    // 7. the UI ------------------------------------------------------------------
    let uiUrl: string | undefined;
    if (options.ui ?? (ports.ui !== undefined || ports.httpApi !== 0)) {
      const uiLog = writerOf('ui', SERVICES.length);
      await buildUiIfStale(root, uiLog);
      const ui = await serveUi({
        dir: join(root, 'frontend', 'out'),
        port: await portOrFree(
          ports.ui ?? (ports.httpApi === 0 ? 0 : Number(process.env.UI_PORT || UI_PORT)),
        ),
        restUrl: cloud.httpApi.url,
        wsUrl: cloud.webSocketApi.url,
      });
      stops.push(ui.close);
      uiUrl = ui.url;
      uiLog(`serving ${ui.url}`);
    }
    // ---------------------------------------------------------------- 7. the UI end

    return {
      cloud,
      env,
      urls: {
        ...(uiUrl === undefined ? {} : { ui: uiUrl }),
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

// 7. the UI ------------------------------------------------------------------------

/** The UI's default port. */
export const UI_PORT = 3000;

const UI_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Newest modification time (ms) of the files under `path`, skipping build output. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'out' || entry === '.next' || entry === 'test') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Runs `next build` in `frontend/` when `frontend/out` is missing or older than the UI's sources. */
export async function buildUiIfStale(root: string, log: (line: string) => void): Promise<void> {
  const frontend = join(root, 'frontend');
  const built = join(frontend, 'out', 'index.html');
  const sources = Math.max(
    newestMtime(join(frontend, 'src')),
    newestMtime(join(frontend, 'public')),
    newestMtime(join(frontend, 'next.config.ts')),
    newestMtime(join(frontend, 'package.json')),
    newestMtime(join(root, 'protocol', 'src')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  log('building the UI (next build)…');
  const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [next, 'build', '--webpack'], {
    cwd: frontend,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output.join('').slice(-4000)}`);
  log('UI built');
}

/**
 * Serves the static export: `/config.json` with the API URLs, `/api/*` passed through to
 * the REST API, `/trade/SOL_USDC` from `trade/SOL_USDC.html`.
 */
export async function serveUi(options: {
  readonly dir: string;
  readonly port: number;
  readonly restUrl: string;
  readonly wsUrl: string;
}): Promise<{ readonly url: string; close(): Promise<void> }> {
  const rest = new URL(options.restUrl);
  const config = JSON.stringify({ apiUrl: '', wsUrl: options.wsUrl });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      const upstream = httpRequest(
        {
          host: rest.hostname,
          port: rest.port,
          method: request.method,
          path: `${rest.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`,
          headers: { ...request.headers, host: rest.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
        response.end('{"code":"BAD_GATEWAY","message":"The REST API is not answering."}');
      });
      request.pipe(upstream);
      return;
    }
    if (url.pathname === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(config);
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    const candidates = [
      join(options.dir, path),
      join(options.dir, `${path}.html`),
      join(options.dir, path, 'index.html'),
    ];
    const file = candidates.find((candidate) => candidate.startsWith(options.dir) && isFile(candidate));
    const target = file ?? join(options.dir, '404.html');
    const type = UI_TYPES[extname(target)] ?? 'application/octet-stream';
    const immutable = target.includes(`${join('_next', 'static')}`);
    response.writeHead(file === undefined ? 404 : 200, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(target)
      .on('error', () => response.end())
      .pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
// ---------------------------------------------------------------- 7. the UI end
