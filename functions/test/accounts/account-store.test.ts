/**
 * Integration tests of the account store on a real PostgreSQL scratch database:
 * transactions, sealed secrets, revocation and the lookup cache's documented bound.
 */
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import { AccountStore, MAX_ACTIVE_KEYS_PER_ACCOUNT } from '../../src/accounts/account-store.js';
import { newAccountId, randomAlphanumeric } from '../../src/accounts/credentials.js';
import { SecretBox } from '../../src/accounts/secret-box.js';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';

const box = new SecretBox(Buffer.alloc(32, 3));
let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
});
afterAll(() => db.drop());

/** A store without the cache, reading the database every time. */
const uncached = () => new AccountStore(db.pool, box, { cacheTtlMs: 0 });

describe('credentials', () => {
  it('are 64 letters and digits, account ids acc_ and 16 base32 characters, all distinct', () => {
    const keys = Array.from({ length: 200 }, () => randomAlphanumeric());
    const ids = Array.from({ length: 200 }, () => newAccountId());
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{64}$/);
    for (const id of ids) expect(id).toMatch(/^acc_[a-z2-7]{16}$/);
    expect(new Set(keys).size).toBe(200);
    expect(new Set(ids).size).toBe(200);
  });
});

describe('AccountStore', () => {
  it('creates an account with its first key, stores only the sealed secret, and looks it up', async () => {
    const store = uncached();
    const created = await store.createAccount({ label: 'first' });

    const record = await store.lookupKey(created.apiKey);
    const row = await db.pool.query('SELECT secret_sealed FROM api_keys WHERE api_key = $1', [
      created.apiKey,
    ]);

    expect(record).toEqual({
      apiKey: created.apiKey,
      accountId: created.accountId,
      secretKey: created.secretKey,
      permissions: ['read', 'trade'],
      ipAllowList: [],
      revoked: false,
    });
    expect((row.rows[0].secret_sealed as Buffer).includes(Buffer.from(created.secretKey))).toBe(false);
  });

  it('answers undefined for a key that does not exist', async () => {
    expect(await uncached().lookupKey(randomAlphanumeric())).toBeUndefined();
  });

  it('revokes only the owner’s key, and says so once', async () => {
    const store = uncached();
    const owner = await store.createAccount();
    const other = await store.createAccount();

    expect(await store.revokeKey(other.accountId, owner.apiKey)).toBe('NOT_FOUND');
    expect((await store.lookupKey(owner.apiKey))?.revoked).toBe(false);
    expect(await store.revokeKey(owner.accountId, owner.apiKey)).toBe('REVOKED');
    expect(await store.revokeKey(owner.accountId, owner.apiKey)).toBe('ALREADY_REVOKED');
    expect((await store.lookupKey(owner.apiKey))?.revoked).toBe(true);
  });

  it('refuses keys of a suspended account', async () => {
    const store = uncached();
    const created = await store.createAccount();
    await db.pool.query(`UPDATE accounts SET status = 'suspended' WHERE id = $1`, [created.accountId]);
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(true);
  });

  it('holds at most MAX_ACTIVE_KEYS_PER_ACCOUNT unrevoked keys, even under concurrent creation', async () => {
    const store = uncached();
    const { accountId } = await store.createAccount();

    const results = await Promise.all(
      Array.from({ length: MAX_ACTIVE_KEYS_PER_ACCOUNT + 3 }, () => store.createKey(accountId)),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(MAX_ACTIVE_KEYS_PER_ACCOUNT - 1);
    expect(results.filter((r) => !r.ok)).toEqual(
      Array.from({ length: 4 }, () => ({ ok: false, reason: 'KEY_LIMIT_REACHED' })),
    );
    expect(await store.createKey(newAccountId())).toEqual({ ok: false, reason: 'UNKNOWN_ACCOUNT' });
  });

  it('lists keys without secrets', async () => {
    const store = uncached();
    const created = await store.createAccount();
    const keys = await store.listKeys(created.accountId);
    expect(keys).toEqual([
      {
        apiKey: created.apiKey,
        label: '',
        permissions: ['read', 'trade'],
        ipAllowList: [],
        createdAt: expect.any(String),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain(created.secretKey);
  });
});

describe('the lookup cache', () => {
  it('drops the least recently used known key first, and never a known key for unknown ones', async () => {
    // Prepare: room for 10 known keys and 1 unknown one; the queries are counted.
    let reads = 0;
    const pool = {
      query: (text: string, values: unknown[]) => {
        reads += 1;
        return db.pool.query(text, values);
      },
    } as unknown as typeof db.pool;
    const store = new AccountStore(pool, box, { cacheTtlMs: 60_000, cacheMaxEntries: 10 });
    const keys = await Promise.all(Array.from({ length: 11 }, () => uncached().createAccount()));
    for (const key of keys.slice(0, 10)) await store.lookupKey(key.apiKey);
    await store.lookupKey(keys[0]?.apiKey as string); // the oldest, used again

    // Act: a flood of unknown keys, then an eleventh known one
    for (let i = 0; i < 50; i++) await store.lookupKey(randomAlphanumeric());
    await store.lookupKey(keys[10]?.apiKey as string);
    reads = 0;
    await store.lookupKey(keys[0]?.apiKey as string);
    const afterRecent = reads;
    await store.lookupKey(keys[1]?.apiKey as string);

    // Assess: key 0 was kept (used recently), key 1 was dropped for key 10
    expect(afterRecent).toBe(0);
    expect(reads).toBe(1);
  });

  it('sees a revocation made elsewhere only once its TTL has passed: the documented bound', async () => {
    // Prepare: instance B caches the key; instance A revokes it.
    let now = 1_000_000;
    const instanceA = uncached();
    const instanceB = new AccountStore(db.pool, box, { cacheTtlMs: 5000, now: () => now });
    const created = await instanceA.createAccount();
    expect((await instanceB.lookupKey(created.apiKey))?.revoked).toBe(false);

    // Act
    await instanceA.revokeKey(created.accountId, created.apiKey);

    // Assess
    now += 4999;
    expect((await instanceB.lookupKey(created.apiKey))?.revoked).toBe(false);
    now += 1;
    expect((await instanceB.lookupKey(created.apiKey))?.revoked).toBe(true);
  });

  it('refreshes a key in use in the second half of its life, answering from the cache meanwhile', async () => {
    let now = 1_000_000;
    const queries: string[] = [];
    const pool = {
      query: (text: string, values: unknown[]) => {
        queries.push(text);
        return db.pool.query(text, values);
      },
    } as unknown as typeof db.pool;
    const store = new AccountStore(pool, box, { cacheTtlMs: 5000, now: () => now });
    const created = await uncached().createAccount();
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(false);
    await db.pool.query('UPDATE api_keys SET revoked_at = now() WHERE api_key = $1', [created.apiKey]);

    now += 2000; // first half: the cache answers, nothing is read
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(false);
    expect(queries).toHaveLength(1);

    now += 1000; // second half: still the cached answer, and one read in the background
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(false);
    expect(queries).toHaveLength(2);
    for (let i = 0; i < 100 && (await store.lookupKey(created.apiKey))?.revoked === false; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(true);
    expect(queries).toHaveLength(2);
  });

  it('forgets a key at once when this instance revokes it', async () => {
    const store = new AccountStore(db.pool, box, { cacheTtlMs: 60_000 });
    const created = await store.createAccount();
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(false);
    await store.revokeKey(created.accountId, created.apiKey);
    expect((await store.lookupKey(created.apiKey))?.revoked).toBe(true);
  });

  it('drops the oldest entry beyond cacheMaxEntries', async () => {
    const store = new AccountStore(db.pool, box, { cacheTtlMs: 60_000, cacheMaxEntries: 1 });
    const a = await store.createAccount();
    const b = await store.createAccount();
    await store.lookupKey(a.apiKey);
    await store.lookupKey(b.apiKey);
    await db.pool.query('UPDATE api_keys SET revoked_at = now() WHERE api_key = ANY($1)', [
      [a.apiKey, b.apiKey],
    ]);
    expect((await store.lookupKey(b.apiKey))?.revoked).toBe(false);
    expect((await store.lookupKey(a.apiKey))?.revoked).toBe(true);
  });
});
