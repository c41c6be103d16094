/**
 * The engine service under load, in a process of its own (forked with an IPC channel by
 * `service-run.ts`, node flag `--no-allocation-site-pretenuring` as in production).
 *
 * Reads a {@link ServiceChildConfig} as JSON from argv[2], calls `startEngineService`
 * and sends `{ ready }`; on `{ reset }` it forgets what it measured so far (the funding
 * phase) and answers `{ reset }`; on `{ stop }` it stops the service (the batch in hand
 * finishes, the snapshot write is awaited) and sends `{ stats }`.
 *
 * Measured here, because the service does not expose them per batch:
 * - every `Journal.append` (the fenced transaction: lease check, fence UPDATE, the
 *   multi-row INSERT, COMMIT), timed by wrapping `Journal.prototype.append` in this
 *   process before the service constructs its journal; nothing else changes;
 * - every snapshot's `engine.snapshot()` pause and write time, from the Snapshotter's
 *   `onSaved`, which the service logs as `'snapshot saved'` — read from the pino logger
 *   given to the service.
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import {
  type BatchOutcome,
  Journal,
  Sequencer,
  SqsJsonClient,
  startEngineService,
} from '@exchange/engine-service/runtime';
import { createMarketRegistry, redisKeys } from '@exchange/protocol';
import { pino } from 'pino';

export interface ServiceChildConfig {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly sqsEndpoint: string;
  readonly region: string;
  readonly redisPrefix: string;
  readonly leaseKey: string;
  readonly snapshotEveryCommands: number;
}

export interface SnapshotSaved {
  readonly seq: number;
  readonly pauseMs: number;
  readonly writeMs: number;
}

export interface ServiceChildStats {
  /** Duration of every `Journal.append` in ms, in call order. */
  readonly appendMs: number[];
  /** Entries of every append, in the same order. */
  readonly appendEntries: number[];
  readonly snapshots: SnapshotSaved[];
  /**
   * Where a batch's time goes: time in ms of each batch from receipt to published
   * (`batch`, overlapping the next batches' stages), of each SQS call (`sqs:ReceiveMessage`, …),
   * and of `journal:findByRequestIds` and `journal:append`.
   */
  readonly stages: Record<string, number[]>;
  readonly errors: string[];
}

export type ChildMessage =
  | { readonly ready: { readonly healthUrl: string } }
  | { readonly reset: true }
  | { readonly stats: ServiceChildStats }
  | { readonly failed: string };

const config = JSON.parse(process.argv[2] ?? '') as ServiceChildConfig;
/** Sends to the parent; resolves once the message is handed to the IPC channel. */
const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

const stats: ServiceChildStats = { appendMs: [], appendEntries: [], snapshots: [], stages: {}, errors: [] };
const stage = (name: string, ms: number): void => {
  const list = stats.stages[name];
  if (list === undefined) stats.stages[name] = [ms];
  else list.push(ms);
};

// The thin wrapper around the journal write: same method, timed.
const append = Journal.prototype.append;
Journal.prototype.append = async function timedAppend(
  this: Journal,
  ...args: Parameters<Journal['append']>
): Promise<void> {
  const started = performance.now();
  await append.apply(this, args);
  const ms = performance.now() - started;
  stats.appendMs.push(ms);
  stats.appendEntries.push(args[0].length);
  stage('journal:append', ms);
};

// The same kind of timing around the batch's other stages, for the breakdown.
const find = Journal.prototype.findByRequestIds;
Journal.prototype.findByRequestIds = async function timedFind(
  this: Journal,
  ...args: Parameters<Journal['findByRequestIds']>
) {
  const started = performance.now();
  const found = await find.apply(this, args);
  stage('journal:findByRequestIds', performance.now() - started);
  return found;
};
const run = Sequencer.prototype.run;
Sequencer.prototype.run = function timedRun(
  this: Sequencer,
  signal: AbortSignal,
  onBatch?: (outcome: BatchOutcome) => void,
) {
  return run.call(this, signal, (outcome) => {
    stage('batch', outcome.processMs);
    onBatch?.(outcome);
  });
};
for (const method of ['receiveMessage', 'deleteMessageBatch', 'sendMessageBatch'] as const) {
  const call = SqsJsonClient.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  const name = `sqs:${method[0]?.toUpperCase()}${method.slice(1)}`;
  (SqsJsonClient.prototype as unknown as Record<string, unknown>)[method] = async function timedCall(
    this: SqsJsonClient,
    ...args: unknown[]
  ) {
    const started = performance.now();
    const result = await call.apply(this, args);
    stage(name, performance.now() - started);
    return result;
  };
}

// The service's log, read for 'snapshot saved' (the Snapshotter's onSaved) and errors.
const logStream = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      const entry = JSON.parse(line) as { level: number; msg?: string } & Partial<SnapshotSaved>;
      if (entry.msg === 'snapshot saved') {
        stats.snapshots.push({
          seq: entry.seq ?? 0,
          pauseMs: entry.pauseMs ?? 0,
          writeMs: entry.writeMs ?? 0,
        });
      } else if (entry.level >= 50) {
        stats.errors.push(line);
        process.stderr.write(`engine: ${line}\n`);
      }
    }
    callback();
  },
});
const logger = pino({ level: 'info' }, logStream);

try {
  const service = await startEngineService({
    registry: createMarketRegistry(),
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    sqsEndpoint: config.sqsEndpoint,
    region: config.region,
    redisKeys: redisKeys(config.redisPrefix),
    leaseKey: config.leaseKey,
    snapshotEveryCommands: config.snapshotEveryCommands,
    // Snapshots by command count only, so their number does not depend on the speed.
    snapshotEveryMs: 3_600_000,
    waitTimeSeconds: 1,
    logger,
  });
  service.done.catch((error: unknown) => {
    process.exitCode = 1;
    void send({ failed: String(error) });
  });
  process.on('message', (message: { stop?: boolean; reset?: boolean }) => {
    if (message.reset === true) {
      // The timed phase starts: forget the funding phase.
      for (const list of [stats.appendMs, stats.appendEntries, stats.snapshots]) list.length = 0;
      for (const name of Object.keys(stats.stages)) delete stats.stages[name];
      void send({ reset: true });
      return;
    }
    if (message.stop !== true) return;
    void service.stop().then(() => {
      // Disconnect only once the (large) message is out, or the parent may never get it.
      void send({ stats }).then(() => process.disconnect?.());
    });
  });
  await send({ ready: { healthUrl: service.health.url } });
} catch (error) {
  process.exitCode = 1;
  await send({ failed: String(error) });
  process.disconnect?.();
}
