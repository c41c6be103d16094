/**
 * The database roles (`1764100000008_database-roles.sql`, `src/db/roles.ts`) on a
 * scratch database of the machine's PostgreSQL, each component's real code connecting
 * as its own role: the engine journals; a public function's role, the fan-out's and the
 * DB processor's cannot write the journal; each writes only its own tables.
 */
import { Journal, type JournalEntry, migrateEngineDatabase } from '@exchange/engine-service/runtime';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import type { Reply } from '@exchange/protocol';
import pg from 'pg';
import { AccountStore } from '../../src/accounts/account-store.js';
import { DEVELOPMENT_SECRET_KEY, SecretBox } from '../../src/accounts/secret-box.js';
import { isDependencyFailure } from '../../src/db/dependency-errors.js';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { closeDatabase, database } from '../../src/db/pool.js';
import { componentDatabaseUrls, DATABASE_ROLES, type DatabaseComponent } from '../../src/db/roles.js';
import { writeRows } from '../../src/db-processor/writer.js';
import { journaledReply } from '../../src/withdrawals/engine-journal.js';
import { insertWithdrawal, updateWithdrawal } from '../../src/withdrawals/withdrawal-store.js';

/** PostgreSQL's "permission denied" (insufficient_privilege). */
const DENIED = { code: '42501' };

let db: ScratchDatabase;
let pools: Record<DatabaseComponent, pg.Pool>;
let seq = 0;

beforeAll(async () => {
  // As in the local stack and AWS: the admin migrates the functions' schema (making the
  // roles), then the engine applies its own migrations as its role, owning its tables.
  db = await createScratchDatabase({
    prefix: 'roles_test',
    migrate: async (url) => {
      await migrateFunctionsDatabase(url);
      await migrateEngineDatabase(componentDatabaseUrls(url).engine);
    },
  });
  const urls = componentDatabaseUrls(db.url);
  pools = Object.fromEntries(
    Object.entries(urls).map(([component, url]) => [
      component,
      new pg.Pool({ connectionString: url, max: 2 }),
    ]),
  ) as Record<DatabaseComponent, pg.Pool>;
});
afterAll(async () => {
  await Promise.all(Object.values(pools).map((pool) => pool.end()));
  await db.drop();
});

function entry(requestId: string): JournalEntry {
  seq += 1;
  const reply: Reply = { ok: false, requestId, seq, time: 1, code: 'INVALID_COMMAND', message: 'test' };
  return { seq, requestId, accountId: null, time: 1, applied: false, command: { requestId }, reply };
}

const newTrade = (tradeId: number) => ({
  market: 'SOL_USDC',
  trade_id: tradeId,
  time: 1_764_000_000_000 + tradeId * 3_600_000,
  seq: tradeId,
  price: '10',
  quantity: '1',
  quote_quantity: '10',
  buy_order_id: 1,
  sell_order_id: 2,
  buyer_account_id: 'acc_aaaaaaaaaaaaaaaa',
  seller_account_id: 'acc_bbbbbbbbbbbbbbbb',
  is_buyer_maker: false,
  buyer_fee: '0',
  seller_fee: '0',
});

const rows = (tradeId: number) => ({
  trades: [newTrade(tradeId)],
  orders: [],
  balances: [],
  balanceChanges: [],
  withdrawals: [],
});

describe('the engine’s role', () => {
  it('owns the journal, fence and snapshots, and journals through the real Journal', async () => {
    const { rows: owners } = await db.pool.query<{ tablename: string; tableowner: string }>(
      "SELECT tablename, tableowner FROM pg_tables WHERE tablename LIKE 'engine\\_%' ORDER BY tablename",
    );
    expect(owners).toEqual(
      ['engine_fence', 'engine_journal', 'engine_migrations', 'engine_snapshots'].map((tablename) => ({
        tablename,
        tableowner: DATABASE_ROLES.engine,
      })),
    );
    await new Journal(pools.engine).append([entry('engine-writes')]);
    const { rows: journaled } = await db.pool.query('SELECT request_id FROM engine_journal');
    expect(journaled).toEqual([{ request_id: 'engine-writes' }]);
  });

  it('reads none of the API’s tables', async () => {
    await expect(pools.engine.query('SELECT * FROM api_keys')).rejects.toMatchObject(DENIED);
    await expect(pools.engine.query('SELECT * FROM accounts')).rejects.toMatchObject(DENIED);
    await expect(writeRows(pools.engine, rows(900))).rejects.toMatchObject(DENIED);
  });
});

describe.each<DatabaseComponent>(['api', 'settlement', 'fanout', 'dbProcessor'])(
  'the %s role',
  (component) => {
    it('cannot write the journal, the fence or the snapshots', async () => {
      const pool = pools[component];
      await expect(new Journal(pool).append([entry(`forged-by-${component}`)])).rejects.toMatchObject(DENIED);
      await expect(
        pool.query('UPDATE engine_fence SET fencing_token = fencing_token + 1'),
      ).rejects.toMatchObject(DENIED);
      await expect(
        pool.query("INSERT INTO engine_snapshots (seq, state) VALUES (1000, '{}')"),
      ).rejects.toMatchObject(DENIED);
      await expect(pool.query('DELETE FROM engine_journal')).rejects.toMatchObject(DENIED);
      const { rows: journaled } = await db.pool.query(
        'SELECT request_id FROM engine_journal WHERE request_id = $1',
        [`forged-by-${component}`],
      );
      expect(journaled).toEqual([]);
    });

    it('changes no schema', async () => {
      const pool = pools[component];
      await expect(pool.query('CREATE TABLE intruder (n int)')).rejects.toMatchObject(DENIED);
      await expect(pool.query('DROP TABLE trades')).rejects.toMatchObject(DENIED);
      await expect(pool.query('ALTER TABLE engine_journal DISABLE TRIGGER ALL')).rejects.toMatchObject(
        DENIED,
      );
    });
  },
);

describe('the API functions’ role', () => {
  it('signs up, adds and revokes keys, and records withdrawals through the real stores', async () => {
    const store = new AccountStore(pools.api, new SecretBox(DEVELOPMENT_SECRET_KEY));
    const account = await store.createAccount({ permissions: ['read', 'trade', 'manageKeys'] });
    const second = await store.createKey(account.accountId, { permissions: ['read'] });
    if (!second.ok) throw new Error(`no second key: ${second.reason}`);
    expect(await store.revokeKey(account.accountId, second.key.apiKey)).toBe('REVOKED');

    const requestId = 'roles-test-withdrawal';
    const withdrawal = {
      requestId,
      accountId: account.accountId,
      asset: 'USDC',
      amount: '5',
      address: 'addr',
      clientWithdrawalId: null,
    };
    expect(await insertWithdrawal(withdrawal, pools.api)).toEqual({ status: 'inserted' });
    expect(
      await updateWithdrawal(requestId, { status: 'REJECTED', reason: 'test' }, pools.api),
    ).toMatchObject({
      status: 'REJECTED',
    });
  });

  it('reads the history but writes none of it, and suspends nobody', async () => {
    await writeRows(pools.dbProcessor, rows(1));
    const { rows: trades } = await pools.api.query('SELECT trade_id FROM trades WHERE trade_id = 1');
    expect(trades).toEqual([{ trade_id: '1' }]);
    await expect(writeRows(pools.api, rows(2))).rejects.toMatchObject(DENIED);
    await expect(pools.api.query("UPDATE accounts SET status = 'active'")).rejects.toMatchObject(DENIED);
    await expect(pools.api.query('DELETE FROM api_keys')).rejects.toMatchObject(DENIED);
    await expect(pools.api.query('SELECT reply FROM engine_journal')).rejects.toMatchObject(DENIED);
  });

  it('has its statements cut off by the pool’s statement_timeout, a 503 rather than a 500', async () => {
    process.env.DATABASE_URL = componentDatabaseUrls(db.url).api;
    process.env.PG_STATEMENT_TIMEOUT_MS = '50';
    try {
      const error = await database()
        .query('SELECT pg_sleep(10)')
        .then(
          () => undefined,
          (failure: unknown) => failure,
        );
      expect(error).toMatchObject({ code: '57014' });
      expect(isDependencyFailure(error)).toBe(true);
      const { rows: me } = await database().query('SELECT current_user AS role');
      expect(me).toEqual([{ role: DATABASE_ROLES.api }]);
    } finally {
      await closeDatabase();
      delete process.env.DATABASE_URL;
      delete process.env.PG_STATEMENT_TIMEOUT_MS;
    }
  });
});

describe('the settlement’s role', () => {
  it('reads a journaled reply but takes no account data', async () => {
    expect(await journaledReply('engine-writes', pools.settlement)).toMatchObject({
      requestId: 'engine-writes',
    });
    await expect(pools.settlement.query('SELECT * FROM api_keys')).rejects.toMatchObject(DENIED);
    await expect(
      pools.settlement.query("INSERT INTO accounts (id) VALUES ('acc_cccccccccccccccc')"),
    ).rejects.toMatchObject(DENIED);
  });
});

describe('the DB processor’s role', () => {
  it('writes trades, the kline trigger included, and nothing of the API’s', async () => {
    await writeRows(pools.dbProcessor, rows(3));
    const { rows: candles } = await db.pool.query(
      "SELECT trade_count FROM klines WHERE market = 'SOL_USDC' AND interval = '1m' AND last_trade_id = 3",
    );
    expect(candles).toEqual([{ trade_count: '1' }]);
    await expect(pools.dbProcessor.query('SELECT * FROM api_keys')).rejects.toMatchObject(DENIED);
    await expect(pools.dbProcessor.query('SELECT * FROM withdrawal_requests')).rejects.toMatchObject(DENIED);
  });
});

describe('the fan-out’s role', () => {
  it('reads candles and nothing else', async () => {
    const { rows: candles } = await pools.fanout.query('SELECT count(*)::int AS n FROM klines');
    expect(candles[0].n).toBeGreaterThan(0);
    await expect(pools.fanout.query('SELECT * FROM api_keys')).rejects.toMatchObject(DENIED);
    await expect(pools.fanout.query('SELECT * FROM trades')).rejects.toMatchObject(DENIED);
    await expect(pools.fanout.query("DELETE FROM klines WHERE interval = '1m'")).rejects.toMatchObject(
      DENIED,
    );
  });
});

describe('a database from before the roles', () => {
  it('hands the engine’s tables to the engine’s role', async () => {
    const older = await createScratchDatabase({
      prefix: 'roles_test',
      migrate: async (url) => {
        await migrateEngineDatabase(url);
        await migrateFunctionsDatabase(url);
      },
    });
    const engine = new pg.Pool({ connectionString: componentDatabaseUrls(older.url).engine, max: 1 });
    try {
      await new Journal(engine).append([entry('after-handover')]);
      await expect(migrateEngineDatabase(componentDatabaseUrls(older.url).engine)).resolves.toEqual([]);
      const { rows: owners } = await older.pool.query(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE tablename LIKE 'engine\\_%'",
      );
      expect(owners).toEqual([{ tableowner: DATABASE_ROLES.engine }]);
    } finally {
      await engine.end();
      await older.drop();
    }
  });
});
