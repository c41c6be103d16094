import { type Command, createMarketRegistry, MARKET_CONFIG, mulberry32 } from '@exchange/protocol';
import { Engine } from '../../src/core/index.js';
import {
  applyWireCommand,
  Journal,
  type JournalEntry,
  ReplayError,
  recover,
  recoverForRestart,
  SnapshotStore,
} from '../../src/runtime/journal/index.js';
import { createJournalDatabase, type JournalDatabase } from './journal-database.js';

const registry = createMarketRegistry();
const ACCOUNTS = 40;
const START_TIME = 1_764_000_000_000;

let db: JournalDatabase;
let journal: Journal;
let snapshots: SnapshotStore;

beforeAll(async () => {
  db = await createJournalDatabase();
  journal = new Journal(db.pool);
  snapshots = new SnapshotStore(db.pool, { keep: 2 });
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE engine_journal, engine_snapshots');
});

/**
 * Wire commands on SOL_USDC from a few accounts: deposits, limit and market orders,
 * cancels (some of orders long gone), and a sprinkling of commands the protocol
 * refuses (off-grid price, unknown market, malformed) or the engine rejects.
 */
function workload(count: number, seed: number): unknown[] {
  const rand = mulberry32(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const out: unknown[] = [];
  for (let i = 0; out.length < count; i++) {
    const requestId = `req-${seed}-${i}`;
    const accountId = `acct-${pick(ACCOUNTS)}`;
    const side = rand() < 0.5 ? 'BUY' : 'SELL';
    const r = rand();
    let command: Command | Record<string, unknown>;
    if (i < ACCOUNTS * 2 || r < 0.08) {
      const asset = i % 2 === 0 || rand() < 0.5 ? 'USDC' : 'SOL';
      command = { type: 'DEPOSIT', requestId, accountId, asset, amount: asset === 'USDC' ? '5000' : '40' };
    } else if (r < 0.6) {
      const price = (150 + (pick(200) - 100) / 100).toFixed(2);
      command = {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: 'SOL_USDC',
        side,
        orderType: 'LIMIT',
        price,
        quantity: (1 + pick(3000) / 1000).toFixed(3),
        ...(rand() < 0.1 ? { timeInForce: 'IOC' } : {}),
        ...(rand() < 0.05 ? { postOnly: true } : {}),
        ...(rand() < 0.1 ? { clientOrderId: `c${pick(5)}` } : {}),
      };
    } else if (r < 0.68) {
      command = {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: 'SOL_USDC',
        side,
        orderType: 'MARKET',
        ...(side === 'BUY' ? { quoteQuantity: '200' } : { quantity: '1.5' }),
      };
    } else if (r < 0.9) {
      command = { type: 'CANCEL_ORDER', requestId, accountId, market: 'SOL_USDC', orderId: 1 + pick(i + 1) };
    } else if (r < 0.93) {
      command = { type: 'CANCEL_ALL', requestId, accountId, market: 'SOL_USDC' };
    } else if (r < 0.95) {
      command = { type: 'WITHDRAW', requestId, accountId, asset: 'USDC', amount: '100' };
    } else if (r < 0.97) {
      // Off the tick grid: refused by toEngineCommand.
      command = {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: 'SOL_USDC',
        side,
        orderType: 'LIMIT',
        price: '150.005',
        quantity: '1',
      };
    } else if (r < 0.98) {
      command = { type: 'CANCEL_ALL', requestId, accountId, market: 'DOGE_USDC' };
    } else if (r < 0.99) {
      command = { type: 'FLY', requestId, accountId };
    } else {
      command = { type: 'DEPOSIT', requestId, accountId, asset: 'SOL', amount: '1.123456789' };
    }
    out.push(command);
  }
  return out;
}

interface Original {
  readonly engine: Engine;
  readonly entries: JournalEntry[];
}

/** Runs the workload through a live engine and journals it in batches of 10, as the service would. */
async function runAndJournal(commands: readonly unknown[], snapshotAt?: number): Promise<Original> {
  const engine = new Engine(registry);
  const entries: JournalEntry[] = [];
  let batch: JournalEntry[] = [];
  for (const [i, wire] of commands.entries()) {
    const seq = i + 1;
    batch.push(applyWireCommand(engine, registry, wire, seq, START_TIME + seq * 3).entry);
    if (batch.length === 10 || seq === commands.length) {
      await journal.append(batch);
      entries.push(...batch);
      batch = [];
    }
    if (seq === snapshotAt) await snapshots.save(seq, engine.snapshot());
  }
  return { engine, entries };
}

const state = (engine: Engine) => JSON.stringify(engine.snapshot());

describe('recover (integration)', () => {
  it('starts a fresh engine from an empty database', async () => {
    const recovered = await recover(registry, journal, snapshots);
    expect(recovered.lastSeq).toBe(0);
    expect(recovered.replayed).toBe(0);
    expect(recovered.snapshotSeq).toBeNull();
    expect(state(recovered.engine)).toBe(state(new Engine(registry)));
  });

  it('rebuilds the same state from the journal alone', async () => {
    const original = await runAndJournal(workload(3000, 1));
    const recovered = await recover(registry, journal, null, { pageSize: 256 });
    expect(state(recovered.engine)).toBe(state(original.engine));
    expect(recovered.lastSeq).toBe(3000);
    expect(recovered.replayed + recovered.skipped).toBe(3000);
    // The workload exercised what it claims to.
    const replies = original.entries.map((e) => e.reply);
    expect(original.entries.filter((e) => !e.applied).length).toBe(recovered.skipped);
    expect(recovered.skipped).toBeGreaterThan(50);
    expect(replies.filter((r) => !r.ok && r.code === 'UNKNOWN_ORDER').length).toBeGreaterThan(50);
    expect(replies.filter((r) => r.ok && r.fills.length > 0).length).toBeGreaterThan(100);
    expect(original.engine.openOrders('acct-1').length).toBeGreaterThan(0);
  });

  it('rebuilds the same state from the newest snapshot plus the journal after it', async () => {
    const original = await runAndJournal(workload(3000, 2), 2200);
    const recovered = await recover(registry, journal, snapshots);
    expect(recovered.snapshotSeq).toBe(2200);
    expect(recovered.replayed + recovered.skipped).toBe(800);
    expect(state(recovered.engine)).toBe(state(original.engine));
    expect(recovered.lastSeq).toBe(3000);
  });

  it('replays protocol rejections as skipped seqs, so later seqs, order ids and replies match', async () => {
    const commands = workload(400, 3);
    // The journal ends on a refused command: its seq is consumed though the engine never saw it.
    commands.push({ type: 'FLY', requestId: 'last', accountId: 'acct-0' });
    const original = await runAndJournal(commands, 150);
    const last = original.entries.at(-1) as JournalEntry;
    expect(last.applied).toBe(false);
    expect(last.reply).toMatchObject({ ok: false, seq: 401, code: 'INVALID_COMMAND' });

    const before = state(original.engine);
    const next = {
      type: 'CREATE_ORDER',
      requestId: 'next',
      accountId: 'acct-2',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100.00',
      quantity: '0.5',
    };
    const expected = applyWireCommand(original.engine, registry, next, 402, START_TIME + 9e6).entry;
    expect(expected.reply).toMatchObject({ ok: true, orders: [{ orderId: 402, status: 'NEW' }] });

    for (const source of [snapshots, null]) {
      const recovered = await recover(registry, journal, source);
      expect(recovered.snapshotSeq).toBe(source === null ? null : 150);
      expect(recovered.lastSeq).toBe(401);
      expect(recovered.engine.sequence).toBeLessThan(401);
      expect(state(recovered.engine)).toBe(before);
      // The recovered engine goes on exactly as the original did: same seq, order id, reply.
      expect(applyWireCommand(recovered.engine, registry, next, 402, START_TIME + 9e6).entry).toEqual(
        expected,
      );
    }
  });

  it('refuses and journals a command holding NUL, which PostgreSQL text cannot store', async () => {
    const engine = new Engine(registry);
    const poison = { type: 'DEPOSIT', requestId: 'r\u0000x', accountId: 'a', asset: 'USDC', amount: '1' };
    const { entry, result } = applyWireCommand(engine, registry, poison, 1, START_TIME);
    expect(result).toBeNull();
    expect(entry).toMatchObject({
      applied: false,
      requestId: 'r\ufffdx',
      reply: { ok: false, code: 'INVALID_COMMAND' },
    });
    await journal.append([entry]);
    await expect(recover(registry, journal, null)).resolves.toMatchObject({ lastSeq: 1, skipped: 1 });
  });

  it('answers a redelivered request id with its journaled reply', async () => {
    const original = await runAndJournal(workload(200, 4));
    const redelivered = original.entries[120] as JournalEntry;
    const known = await journal.findByRequestIds([redelivered.requestId, 'never-seen']);
    expect(known.get(redelivered.requestId)).toEqual({ seq: redelivered.seq, reply: redelivered.reply });
    expect(known.has('never-seen')).toBe(false);
  });

  it('refuses to replay a journal that no longer matches the market configuration', async () => {
    await runAndJournal(workload(200, 5));
    const withoutSol = createMarketRegistry(
      undefined,
      MARKET_CONFIG.filter((m) => m.symbol !== 'SOL_USDC'),
    );
    await expect(recover(withoutSol, journal, null)).rejects.toBeInstanceOf(ReplayError);
  });
});

describe('recoverForRestart (integration)', () => {
  it('replays from a snapshot at or before the published seq and hands back what was journaled after it', async () => {
    // Prepare: 300 commands naming inboxes, a snapshot past the published seq
    const commands = workload(300, 5).map((c, i) => ({ ...(c as object), replyTo: `inbox-${i % 3}` }));
    const original = await runAndJournal(commands, 280);
    const publishedSeq = 250;
    const tradesSince = START_TIME + 200 * 3;

    // Act
    const restart = await recoverForRestart(registry, journal, snapshots, { publishedSeq, tradesSince });

    // Assess
    expect(restart.snapshotSeq).toBeNull();
    expect(state(restart.engine)).toBe(state(original.engine));
    const after = original.entries.filter((e) => e.seq > publishedSeq);
    const republication = restart.republication;
    expect(republication).toMatchObject({ from: 251, to: 300 });
    expect(republication?.executed.map((c) => [c.requestId, c.result.seq, c.replyTo])).toEqual(
      after.filter((e) => e.applied).map((e) => [e.requestId, e.seq, `inbox-${(e.seq - 1) % 3}`]),
    );
    expect(republication?.replies).toEqual(
      after.filter((e) => !e.applied).map((e) => ({ reply: e.reply, replyTo: `inbox-${(e.seq - 1) % 3}` })),
    );
    expect(republication?.replies.length).toBeGreaterThan(0);
    expect(republication?.events.length).toBeGreaterThan(0);
    const traded = original.entries.filter(
      (e) => e.seq <= publishedSeq && e.time >= tradesSince && e.reply.ok && e.reply.fills.length > 0,
    );
    expect(traded.length).toBeGreaterThan(0);
    expect(restart.recentTrades.map((r) => r.seq)).toEqual(traded.map((e) => e.seq));
  });

  it('has nothing to republish when everything journaled was published', async () => {
    // Prepare
    await runAndJournal(workload(50, 6));

    // Act
    const restart = await recoverForRestart(registry, journal, snapshots, {
      publishedSeq: 50,
      tradesSince: 0,
    });

    // Assess
    expect(restart.lastSeq).toBe(50);
    expect(restart.republication).toBeUndefined();
  });
});
