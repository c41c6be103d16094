/**
 * The recovery benchmark: a journal of 1,000,000 realistic commands (replies recorded
 * by the real engine), a snapshot at 900,000, then recovery timed in fresh processes
 * (a) from the newest snapshot plus the journal tail and (b) from the journal alone.
 * Also the snapshot pause: how long `engine.snapshot()` holds the matching path for a
 * state of 100,000 resting orders and 10,000 accounts.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine } from '@exchange/engine-service/core';
import {
  applyWireCommand,
  Journal,
  type JournalEntry,
  migrateEngineDatabase,
  SnapshotStore,
  stringifyInSlices,
} from '@exchange/engine-service/runtime';
import { adminQuery, withDatabase } from '@exchange/local-services';
import { createMarketRegistry, ENGINE_NODE_FLAGS, type EngineCommand } from '@exchange/protocol';
import pg from 'pg';
import { JournalWorkload } from './journal-workload.js';

export interface RecoveryBenchOptions {
  /** A PostgreSQL URL; the benchmark creates (and drops) its own database on that server. */
  readonly serverUrl: string;
  readonly commands: number;
  /** Journal seq of the snapshot. Default: 90 % of `commands`. */
  readonly snapshotAt?: number;
  readonly accounts?: number;
  /** Keep the database afterwards (to rerun only the recovery). */
  readonly keepDatabase?: boolean;
  readonly log?: (line: string) => void;
}

export interface RecoveryTiming {
  readonly seconds: number;
  readonly replayed: number;
  readonly skipped: number;
  readonly lastSeq: number;
  readonly stateHash: string;
}

export interface RecoveryBenchResult {
  readonly commands: number;
  readonly fromSnapshotS: number;
  readonly fromJournalS: number;
  readonly buildS: number;
  readonly snapshotSeq: number;
  /** Resting orders and accounts in the recovered state. */
  readonly restingOrders: number;
  readonly accounts: number;
  readonly snapshotBytes: number;
  /** `engine.snapshot()` of the journal's state at the snapshot seq. */
  readonly snapshotPauseMs: number;
  /** Reading the snapshot back and parsing it: stored as text (chosen) and as jsonb. */
  readonly loadTextMs: number;
  readonly loadJsonbMs: number;
  readonly journalMb: number;
  /** Both recoveries ended in exactly the state the journal was written from. */
  readonly statesMatch: boolean;
  readonly fromSnapshot: RecoveryTiming;
  readonly fromJournal: RecoveryTiming;
}

const CHILD = fileURLToPath(new URL('./recovery-child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const BATCH = 5_000;

export function hashState(engine: Engine): string {
  return createHash('sha256').update(JSON.stringify(engine.snapshot())).digest('hex');
}

/** Median of `runs` timings of `work`, in ms. */
function medianMs(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export interface SnapshotPause {
  readonly restingOrders: number;
  readonly accounts: number;
  /** `engine.snapshot()`: the only part on the matching path. */
  readonly snapshotMs: number;
  /** Plain `JSON.stringify` of it, for comparison: what sliced serialisation avoids. */
  readonly stringifyMs: number;
  /** The longest event-loop stall while the snapshot is serialised a slice at a time. */
  readonly slicedMaxStallMs: number;
}

/**
 * The snapshot pause for a state of `restingOrders` resting orders (two markets,
 * neither crossed) over `accounts` accounts: median of 5 `engine.snapshot()` calls.
 */
export async function measureSnapshotPause(
  restingOrders = 100_000,
  accounts = 10_000,
): Promise<SnapshotPause> {
  const registry = createMarketRegistry();
  const engine = new Engine(registry);
  let seq = 0;
  for (let a = 0; a < accounts; a++) {
    for (const [asset, amount] of [
      ['USDC', 1e11],
      ['SOL', 1e11],
      ['BTC', 1e10],
    ] as const) {
      const result = engine.execute({ type: 'DEPOSIT', accountId: `acct-${a}`, asset, amount }, ++seq, seq);
      if (result.code !== null) throw new Error(`setup deposit refused: ${result.code}`);
    }
  }
  for (let i = 0; i < restingOrders; i++) {
    const buy = i % 2 === 0;
    const sol = i % 3 !== 0;
    const command: EngineCommand = {
      type: 'CREATE_ORDER',
      accountId: `acct-${i % accounts}`,
      market: sol ? 'SOL_USDC' : 'BTC_USDC',
      side: buy ? 'BUY' : 'SELL',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      postOnly: false,
      price: (sol ? 15_000 : 650_000) + (buy ? -1 : 1) * (1 + (i % 2_000)),
      quantity: 1_000 + (i % 500),
      quoteQuantity: 0,
      clientOrderId: null,
      selfTradePrevention: 'EXPIRE_MAKER',
    };
    const result = engine.execute(command, ++seq, seq);
    if (result.code !== null) throw new Error(`setup order refused: ${result.code}`);
  }
  engine.snapshot();
  const snapshotMs = medianMs(5, () => engine.snapshot());
  const snapshot = engine.snapshot();
  const stringifyMs = medianMs(3, () => JSON.stringify(snapshot));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await stringifyInSlices(snapshot);
  delay.disable();
  return {
    restingOrders,
    accounts,
    snapshotMs,
    stringifyMs,
    slicedMaxStallMs: delay.max / 1e6,
  };
}

/** Runs one timed recovery in a fresh process (a restarted engine starts cold too). */
export function timeRecoveryInChild(
  databaseUrl: string,
  from: 'snapshot' | 'journal',
): Promise<RecoveryTiming> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...ENGINE_NODE_FLAGS, '--import', TSX, CHILD, databaseUrl, from], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || last === undefined || last === '')
        reject(new Error(`recovery child exited with ${code}`));
      else resolve(JSON.parse(last) as RecoveryTiming);
    });
  });
}

/** Builds the journal and snapshot, times both recoveries, compares their states. */
export async function runRecoveryBench(options: RecoveryBenchOptions): Promise<RecoveryBenchResult> {
  const log = options.log ?? (() => {});
  const { commands } = options;
  const snapshotAt = options.snapshotAt ?? Math.floor(commands * 0.9);
  const database = 'engine_bench_recovery';
  await adminQuery(options.serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(options.serverUrl, `CREATE DATABASE ${database}`);
  const url = withDatabase(options.serverUrl, database);
  await migrateEngineDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const registry = createMarketRegistry();
    const journal = new Journal(pool);
    const snapshots = new SnapshotStore(pool);
    const workload = new JournalWorkload({
      accounts: options.accounts ?? 3_000,
      restingTarget: 100_000,
      seed: 7,
    });
    const engine = new Engine(registry);
    const startTime = 1_764_000_000_000;

    log(`building a journal of ${commands.toLocaleString('en-US')} commands…`);
    const buildStarted = performance.now();
    let batch: JournalEntry[] = [];
    // One append in flight while the next batch is generated: PostgreSQL and Node work side by side.
    let inFlight: Promise<void> = Promise.resolve();
    let snapshotPauseMs = 0;
    let snapshotBytes = 0;
    for (let seq = 1; seq <= commands; seq++) {
      const wire = workload.next();
      const { entry } = applyWireCommand(engine, registry, wire, seq, startTime + seq * 2);
      workload.observe(seq, entry.reply, (wire as { market?: string }).market);
      batch.push(entry);
      if (batch.length === BATCH || seq === commands || seq === snapshotAt) {
        await inFlight;
        inFlight = journal.append(batch);
        batch = [];
      }
      if (seq === snapshotAt) {
        await inFlight;
        const started = performance.now();
        const snapshot = engine.snapshot();
        snapshotPauseMs = performance.now() - started;
        snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
        await snapshots.save(seq, snapshot);
      }
      if (seq % 100_000 === 0) log(`  ${seq.toLocaleString('en-US')} (resting ≈ ${workload.restingCount})`);
    }
    await inFlight;
    const buildS = (performance.now() - buildStarted) / 1000;
    const expectedHash = hashState(engine);
    const finalState = engine.snapshot();
    const restingOrders = finalState.markets.reduce((n, m) => n + m.orders.length, 0);

    const formats = await compareSnapshotFormats(pool);
    const { rows } = await pool.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('engine_journal') AS bytes",
    );
    await pool.query('VACUUM ANALYZE engine_journal');

    log('recovering from the newest snapshot + journal tail (fresh process)…');
    const fromSnapshot = await timeRecoveryInChild(url, 'snapshot');
    log('recovering from the journal alone (fresh process)…');
    const fromJournal = await timeRecoveryInChild(url, 'journal');
    return {
      commands,
      fromSnapshotS: fromSnapshot.seconds,
      fromJournalS: fromJournal.seconds,
      buildS,
      snapshotSeq: snapshotAt,
      restingOrders,
      accounts: finalState.accounts.length,
      snapshotBytes,
      snapshotPauseMs,
      loadTextMs: formats.textMs,
      loadJsonbMs: formats.jsonbMs,
      journalMb: Number(rows[0]?.bytes ?? 0) / 2 ** 20,
      statesMatch:
        fromSnapshot.stateHash === expectedHash &&
        fromJournal.stateHash === expectedHash &&
        fromSnapshot.lastSeq === commands &&
        fromJournal.lastSeq === commands,
      fromSnapshot,
      fromJournal,
    };
  } finally {
    await pool.end();
    if (options.keepDatabase !== true)
      await adminQuery(options.serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

/**
 * Loads the stored snapshot back as text (what `engine_snapshots.state` is) and as
 * jsonb (the alternative), parsed into objects both times: median of 3, in ms.
 */
async function compareSnapshotFormats(pool: pg.Pool): Promise<{ textMs: number; jsonbMs: number }> {
  // A temp table lives in one session: one client for all of it.
  const client = await pool.connect();
  try {
    await client.query(
      'CREATE TEMP TABLE snapshot_jsonb AS SELECT seq, state::jsonb AS state FROM engine_snapshots',
    );
    const time = async (sql: string, parse: (v: unknown) => unknown): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const { rows } = await client.query<{ state: unknown }>(sql);
        parse(rows[0]?.state);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return times[1] as number;
    };
    // pg parses a jsonb column itself; the text column is parsed here, as SnapshotStore does.
    const textMs = await time('SELECT state FROM engine_snapshots ORDER BY seq DESC LIMIT 1', (v) =>
      JSON.parse(v as string),
    );
    const jsonbMs = await time('SELECT state FROM snapshot_jsonb ORDER BY seq DESC LIMIT 1', (v) => v);
    await client.query('DROP TABLE snapshot_jsonb');
    return { textMs, jsonbMs };
  } finally {
    client.release();
  }
}
