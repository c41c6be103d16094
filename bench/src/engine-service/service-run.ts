/**
 * The engine service under sustained load: fauxqs (its own process, started here), a
 * fresh PostgreSQL database, Redis under a key prefix of its own, and the service in a
 * child process (`service-child.ts`). This process plays the API: it sends commands
 * to `orders.fifo` with SendMessageBatch (ten a call, several senders at once) and
 * listens for every reply on its inbox, `<prefix>replies:<inbox>`.
 *
 * Two phases on the same seeded {@link JournalWorkload}: funding (every account
 * deposits four assets; untimed), then `commands` timed commands. The load is a closed
 * loop: at most `window` commands are sent and not yet answered, as if `window` API
 * calls were waiting, so the queue never grows without bound and the enqueue → reply
 * latency is that of a busy engine, not of an ever longer backlog.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SqsJsonClient } from '@exchange/engine-service/runtime';
import { adminQuery, ensurePostgres, ensureRedis, withDatabase } from '@exchange/local-services';
import { startLocalSqs } from '@exchange/localstack';
import { ENGINE_NODE_FLAGS, ORDERS_QUEUE, type Reply, redisKeys } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { JournalWorkload } from './journal-workload.js';

import type { ChildMessage, ServiceChildConfig, ServiceChildStats } from './service-child.js';

const CHILD = fileURLToPath(new URL('./service-child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** SQS's batch limit. */
const BATCH = 10;
/** No reply for this long while some are due: the run has failed. */
const STALL_MS = 60_000;

export interface ServiceBenchOptions {
  /** Timed commands, after the funding phase. */
  readonly commands: number;
  /** Accounts, i.e. FIFO message groups; each deposits four assets first. */
  readonly accounts: number;
  /** Concurrent SendMessageBatch loops. */
  readonly senders: number;
  /** At most this many commands sent and not yet answered. */
  readonly window: number;
  readonly snapshotEveryCommands: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
  /** Work run beside the service at its phases (e.g. the DB processor on `events.fifo`). */
  readonly alongside?: Alongside;
}

/** Where the service's queues are, for work run beside it. */
export interface ServiceQueues {
  readonly endpoint: string;
  readonly region: string;
  readonly queueUrls: Readonly<Record<string, string>>;
}

/** Hooks at the benchmark's phases; each is awaited before the run goes on. */
export interface Alongside {
  /** The service is ready; nothing sent yet. */
  ready?(queues: ServiceQueues): Promise<void>;
  /** Every account funded; the timed phase starts next. */
  funded?(queues: ServiceQueues): Promise<void>;
  /** The timed phase's last reply came; nothing is closed yet. */
  timedDone?(queues: ServiceQueues): Promise<void>;
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface ServiceBenchResult {
  readonly commands: number;
  readonly fundingCommands: number;
  /** First send of the timed phase to its last reply. */
  readonly seconds: number;
  readonly commandsPerS: number;
  /** Enqueue (just before the SendMessageBatch call) → reply received, ms. */
  readonly replyMs: Percentiles;
  readonly okReplies: number;
  readonly rejectedReplies: number;
  /** `Journal.append` of the timed phase, ms, and its entries per call. */
  readonly journalBatchMs: Percentiles;
  readonly journalBatches: number;
  readonly entriesPerBatch: number;
  readonly snapshots: ServiceChildStats['snapshots'];
  readonly snapshotPauseMs: Percentiles | null;
  readonly restingAtEnd: number;
  /** 1-minute load average sampled every second of the timed phase. */
  readonly loadAverage: { readonly min: number; readonly max: number };
  /** Rejected replies by code. */
  readonly rejections: Record<string, number>;
  /** Per-batch stage timings inside the service (see {@link ServiceChildStats.stages}), ms. */
  readonly stages: Record<string, Percentiles & { readonly count: number }>;
  readonly serviceErrors: readonly string[];
}

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** The child and the messages it sends, one awaited at a time. */
class ServiceChild {
  private readonly inbox: ChildMessage[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.waiter?.();
    });
    // 'close', not 'exit': it comes after the IPC channel closed, so after every message.
    this.exited = new Promise((resolve) => proc.on('close', (code) => resolve(code)));
    void this.exited.then(() => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** The next message of the wanted kind; throws if the child fails or exits first. */
  async next<K extends 'ready' | 'reset' | 'stats'>(
    kind: K,
  ): Promise<Extract<ChildMessage, Record<K, unknown>>> {
    for (;;) {
      const message = this.inbox.shift();
      if (message !== undefined) {
        if ('failed' in message) throw new Error(`engine service failed: ${message.failed}`);
        if (kind in message) return message as Extract<ChildMessage, Record<K, unknown>>;
        continue;
      }
      if (this.closed)
        throw new Error(`engine service child exited (${this.proc.exitCode ?? this.proc.signalCode})`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = null;
    }
  }
}

interface Pending {
  readonly sentAt: number;
  readonly market: string | undefined;
  readonly timed: boolean;
}

/** Runs the whole service benchmark and closes everything it started. */
export async function runServiceBench(options: ServiceBenchOptions): Promise<ServiceBenchResult> {
  const log = options.log ?? (() => {});
  const id = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const postgres = await ensurePostgres();
    cleanups.push(() => postgres.stop());
    const database = `engine_bench_service_${id}`;
    await adminQuery(postgres.url, `CREATE DATABASE ${database}`);
    cleanups.push(() => adminQuery(postgres.url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

    const sqs = await startLocalSqs({ port: 0 });
    cleanups.push(() => sqs.close());
    // The same lean client as the engine's, so the load generator takes less of the 2 cores.
    const client = new SqsJsonClient({
      ...sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(() => client.close());
    const queueUrl = sqs.queueUrls[ORDERS_QUEUE.name];
    if (queueUrl === undefined) throw new Error(`${ORDERS_QUEUE.name} was not created`);

    const redisService = await ensureRedis();
    cleanups.push(() => redisService.stop());
    const prefix = `bench-engine-service-${id}:`;
    const keys = redisKeys(prefix);
    const subscriber = new Redis(redisService.url);
    cleanups.push(async () => subscriber.disconnect());
    cleanups.push(() => deletePrefixed(redisService.url, prefix));

    const config: ServiceChildConfig = {
      databaseUrl: withDatabase(postgres.url, database),
      redisUrl: redisService.url,
      sqsEndpoint: sqs.endpoint,
      region: sqs.region,
      redisPrefix: prefix,
      leaseKey: `${prefix}lease`,
      snapshotEveryCommands: options.snapshotEveryCommands,
    };
    const proc = fork(CHILD, [JSON.stringify(config)], {
      execArgv: [
        ...ENGINE_NODE_FLAGS,
        ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean),
        '--import',
        TSX,
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new ServiceChild(proc);
    cleanups.push(async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await child.exited;
    });
    await child.next('ready');
    log('engine service ready');
    const queues: ServiceQueues = { endpoint: sqs.endpoint, region: sqs.region, queueUrls: sqs.queueUrls };
    await options.alongside?.ready?.(queues);

    const workload = new JournalWorkload({
      accounts: options.accounts,
      restingTarget: 20_000,
      seed: options.seed ?? 11,
    });
    // One inbox for every command, as one API instance has (RedisKeys.replies).
    const inbox = `bench-${id}`;
    const pending = new Map<string, Pending>();
    const latencies: number[] = [];
    let ok = 0;
    let rejected = 0;
    const rejections: Record<string, number> = {};
    let lastReplyAt = performance.now();
    const wakers = new Set<() => void>();
    subscriber.on('message', (_channel: string, message: string) => {
      const reply = JSON.parse(message) as Reply;
      const sent = pending.get(reply.requestId);
      if (sent === undefined) return;
      lastReplyAt = performance.now();
      pending.delete(reply.requestId);
      if (sent.timed) {
        latencies.push(lastReplyAt - sent.sentAt);
        if (reply.ok) ok++;
        else {
          rejected++;
          rejections[reply.code] = (rejections[reply.code] ?? 0) + 1;
        }
      }
      workload.observe(reply.seq, reply, sent.market);
      for (const wake of wakers) wake();
      wakers.clear();
    });
    await subscriber.subscribe(keys.replies(inbox));

    /** Resolves once `ready()` holds, checking after each reply; throws on a stall. */
    const until = async (ready: () => boolean): Promise<void> => {
      while (!ready()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          wakers.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (!ready() && performance.now() - lastReplyAt > STALL_MS) {
          throw new Error(`no reply for ${STALL_MS / 1000} s with ${pending.size} outstanding`);
        }
      }
    };

    const sendPhase = async (count: number, timed: boolean): Promise<number> => {
      let next = 0;
      let firstSend = 0;
      const sender = async (): Promise<void> => {
        while (next < count) {
          await until(() => pending.size + BATCH <= options.window);
          if (next >= count) return;
          const n = Math.min(BATCH, count - next);
          next += n;
          const entries = [];
          const batch: [string, string | undefined][] = [];
          for (let i = 0; i < n; i++) {
            const wire = {
              ...(workload.next() as { requestId: string; accountId: string; market?: string }),
              replyTo: inbox,
            };
            batch.push([wire.requestId, wire.market]);
            entries.push({
              Id: String(i),
              MessageBody: JSON.stringify(wire),
              MessageGroupId: wire.accountId,
              MessageDeduplicationId: wire.requestId,
            });
          }
          const sentAt = performance.now();
          if (firstSend === 0) firstSend = sentAt;
          for (const [requestId, market] of batch) pending.set(requestId, { sentAt, market, timed });
          const { Failed } = await client.sendMessageBatch({ QueueUrl: queueUrl, Entries: entries });
          if (Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed[0])}`);
        }
      };
      await Promise.all(Array.from({ length: options.senders }, sender));
      await until(() => pending.size === 0);
      return firstSend;
    };

    const fundingCommands = options.accounts * 4;
    log(`funding ${options.accounts.toLocaleString('en-US')} accounts (${fundingCommands} deposits)…`);
    await sendPhase(fundingCommands, false);
    proc.send({ reset: true });
    await child.next('reset');
    await options.alongside?.funded?.(queues);

    log(`timed: ${options.commands.toLocaleString('en-US')} commands…`);
    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(os.loadavg()[0] ?? 0), 1_000);
    const progress = setInterval(
      () => log(`  ${latencies.length.toLocaleString('en-US')} replies, ${pending.size} outstanding`),
      5_000,
    );
    let firstSend: number;
    try {
      firstSend = await sendPhase(options.commands, true);
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
    }
    const seconds = (lastReplyAt - firstSend) / 1000;
    await options.alongside?.timedDone?.(queues);

    proc.send({ stop: true });
    const { stats } = await child.next('stats');
    await child.exited;
    const snapshotPauses = stats.snapshots.map((s) => s.pauseMs);
    return {
      commands: options.commands,
      fundingCommands,
      seconds,
      commandsPerS: options.commands / seconds,
      replyMs: percentiles(latencies),
      okReplies: ok,
      rejectedReplies: rejected,
      journalBatchMs: percentiles(stats.appendMs),
      journalBatches: stats.appendMs.length,
      entriesPerBatch:
        stats.appendEntries.reduce((a, b) => a + b, 0) / Math.max(1, stats.appendEntries.length),
      snapshots: stats.snapshots,
      snapshotPauseMs: snapshotPauses.length === 0 ? null : percentiles(snapshotPauses),
      restingAtEnd: workload.restingCount,
      loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
      rejections,
      stages: Object.fromEntries(
        Object.entries(stats.stages)
          .sort(([a], [b]) => stageOrder(a) - stageOrder(b))
          .map(([name, list]) => [name, { ...percentiles(list), count: list.length }]),
      ),
      serviceErrors: stats.errors,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    }
  }
}

/** A batch's stages in the order the service runs them, the whole batch last. */
const STAGE_ORDER = [
  'sqs:ReceiveMessage',
  'journal:findByRequestIds',
  'journal:append',
  'sqs:DeleteMessageBatch',
  'sqs:SendMessageBatch',
  'batch',
];
const stageOrder = (name: string): number => {
  const i = STAGE_ORDER.indexOf(name);
  return i < 0 ? STAGE_ORDER.length - 1 : i;
};

/** Removes the read models the service wrote under `prefix`. */
async function deletePrefixed(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = nextCursor;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
