/**
 * Accounts and API keys in PostgreSQL (`functions/migrations/1764090000000_accounts.sql`).
 *
 * Secrets are sealed with the server key before they are written and opened only on
 * lookup; listing never reads them. Lookups are cached in memory for
 * `API_KEY_CACHE_MS` (default 5 s), found and not-found alike, and refreshed in the
 * background once half that has passed: a key revoked through this process stops
 * working here at once, and in every other process (other Lambda instances) within
 * that bound.
 */
import type pg from 'pg';
import { database } from '../db/pool.js';
import { newAccountId, randomAlphanumeric } from './credentials.js';
import { DEFAULT_PERMISSIONS, normalizePermissions, type Permission } from './permissions.js';
import { SecretBox, serverSecretKey } from './secret-box.js';

/** At most this many unrevoked keys per account. */
export const MAX_ACTIVE_KEYS_PER_ACCOUNT = 20;

/** An API key as the authenticator needs it: the opened secret and whether it may be used. */
export interface ApiKeyRecord {
  readonly apiKey: string;
  readonly accountId: string;
  readonly secretKey: string;
  readonly permissions: readonly Permission[];
  /** Source addresses and CIDR blocks the key may be used from; empty: any (`ip-allow-list.ts`). */
  readonly ipAllowList: readonly string[];
  /** Revoked, or its account is suspended: the key must be refused. */
  readonly revoked: boolean;
}

/** An API key as its owner may list it: never the secret. */
export interface ApiKeySummary {
  readonly apiKey: string;
  readonly label: string;
  readonly permissions: readonly Permission[];
  readonly ipAllowList: readonly string[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** A key just made: the only time its secret is shown. */
export interface NewApiKey {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly label: string;
  readonly permissions: readonly Permission[];
  readonly ipAllowList: readonly string[];
}

export interface NewKeyOptions {
  /** Up to 64 characters; empty when omitted. */
  readonly label?: string;
  /** `DEFAULT_PERMISSIONS` (read, trade) when omitted. */
  readonly permissions?: readonly Permission[];
  /** Addresses and CIDR blocks, already validated (`ip-allow-list.ts`); any address when omitted. */
  readonly ipAllowList?: readonly string[];
}

/** What {@link AccountStore.createKey} did. */
export type CreateKeyResult =
  | { readonly ok: true; readonly key: NewApiKey }
  | { readonly ok: false; readonly reason: 'UNKNOWN_ACCOUNT' | 'KEY_LIMIT_REACHED' };

/** What {@link AccountStore.revokeKey} did. */
export type RevokeKeyResult = 'REVOKED' | 'ALREADY_REVOKED' | 'NOT_FOUND';

export interface AccountStoreOptions {
  /** How long a lookup is reused; `API_KEY_CACHE_MS` or 5000. 0 disables the cache. */
  readonly cacheTtlMs?: number;
  /**
   * Cached lookups kept at most, the least recently used dropped first; 10 000 when
   * omitted. Unknown keys take at most a tenth of it, so a flood of made-up keys
   * cannot push the real ones out.
   */
  readonly cacheMaxEntries?: number;
  /** Clock for the cache; `Date.now` when omitted. */
  readonly now?: () => number;
}

interface CacheEntry {
  readonly record: ApiKeyRecord | undefined;
  readonly expiresAt: number;
}

interface KeyRow {
  api_key: string;
  account_id: string;
  secret_sealed: Buffer;
  permissions: Permission[];
  ip_allow_list: string[];
  revoked: boolean;
}

/**
 * @example
 * const store = new AccountStore(database(), new SecretBox(serverSecretKey()));
 * const { accountId, apiKey, secretKey } = await store.createAccount();
 * const record = await store.lookupKey(apiKey); // { accountId, secretKey, revoked: false, … }
 */
export class AccountStore {
  private readonly cacheTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly now: () => number;
  /** Known keys, least recently used first. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Keys that do not exist, oldest first: kept apart so they never evict known ones. */
  private readonly unknown = new Map<string, CacheEntry>();
  /** Lookups in flight, so a burst on a cold key costs one query. */
  private readonly pending = new Map<string, Promise<ApiKeyRecord | undefined>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    options: AccountStoreOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? Number(process.env.API_KEY_CACHE_MS || 5000);
    this.cacheMaxEntries = options.cacheMaxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Creates an account and its first API key in one transaction. */
  async createAccount(options: NewKeyOptions = {}): Promise<NewApiKey> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const accountId = newAccountId();
      await client.query('INSERT INTO accounts (id) VALUES ($1)', [accountId]);
      const key = await this.insertKey(client, accountId, options);
      await client.query('COMMIT');
      return key;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Adds a key to an existing account, unless it already has {@link MAX_ACTIVE_KEYS_PER_ACCOUNT}. */
  async createKey(accountId: string, options: NewKeyOptions = {}): Promise<CreateKeyResult> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Locking the account row serialises concurrent creations, so the limit holds.
      const account = await client.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
      if (account.rowCount === 0) {
        await client.query('ROLLBACK');
        return { ok: false, reason: 'UNKNOWN_ACCOUNT' };
      }
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL',
        [accountId],
      );
      if ((rows[0]?.n ?? 0) >= MAX_ACTIVE_KEYS_PER_ACCOUNT) {
        await client.query('ROLLBACK');
        return { ok: false, reason: 'KEY_LIMIT_REACHED' };
      }
      const key = await this.insertKey(client, accountId, options);
      await client.query('COMMIT');
      return { ok: true, key };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** The account's keys, oldest first, revoked ones included; never a secret. */
  async listKeys(accountId: string): Promise<ApiKeySummary[]> {
    const { rows } = await this.pool.query<{
      api_key: string;
      label: string;
      permissions: Permission[];
      ip_allow_list: string[];
      created_at: Date;
      revoked_at: Date | null;
    }>(
      `SELECT api_key, label, permissions, ip_allow_list, created_at, revoked_at FROM api_keys
       WHERE account_id = $1 ORDER BY created_at, api_key`,
      [accountId],
    );
    return rows.map((r) => ({
      apiKey: r.api_key,
      label: r.label,
      permissions: r.permissions,
      ipAllowList: r.ip_allow_list,
      createdAt: r.created_at.toISOString(),
      revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }

  /**
   * Revokes one of the account's own keys. A key of another account is `NOT_FOUND`,
   * exactly like a key that does not exist, so nobody can probe for others' keys.
   */
  async revokeKey(accountId: string, apiKey: string): Promise<RevokeKeyResult> {
    const { rows } = await this.pool.query<{ was_revoked: boolean }>(
      `WITH target AS (
         SELECT api_key, revoked_at FROM api_keys WHERE api_key = $1 AND account_id = $2 FOR UPDATE
       )
       UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
       FROM target t WHERE k.api_key = t.api_key
       RETURNING t.revoked_at IS NOT NULL AS was_revoked`,
      [apiKey, accountId],
    );
    this.forget(apiKey);
    const row = rows[0];
    if (row === undefined) return 'NOT_FOUND';
    return row.was_revoked ? 'ALREADY_REVOKED' : 'REVOKED';
  }

  /**
   * The key with its opened secret, or undefined when no such key exists. Cached (see
   * the module comment); a revoked key comes back with `revoked: true`.
   */
  async lookupKey(apiKey: string): Promise<ApiKeyRecord | undefined> {
    const known = this.cache.get(apiKey);
    if (known !== undefined) {
      // Moved to the end: the map's first entry is always the least recently used.
      this.cache.delete(apiKey);
      this.cache.set(apiKey, known);
    }
    const cached = known ?? this.unknown.get(apiKey);
    const now = this.now();
    if (cached !== undefined && cached.expiresAt > now) {
      // Refreshed ahead in the second half of its life: a key in steady use never waits
      // for the database, and no answer is older than the cache bound.
      if (cached.expiresAt - now < this.cacheTtlMs / 2 && !this.pending.has(apiKey)) {
        this.refresh(apiKey).catch(() => undefined);
      }
      return cached.record;
    }
    return this.pending.get(apiKey) ?? this.refresh(apiKey);
  }

  /** One lookup per key at a time; its answer replaces the cached one. */
  private refresh(apiKey: string): Promise<ApiKeyRecord | undefined> {
    const lookup: Promise<ApiKeyRecord | undefined> = this.fetchKey(apiKey).then(
      (record) => {
        // A lookup that `forget` overtook (a revocation meanwhile) answers, but is not kept.
        if (this.pending.get(apiKey) === lookup) {
          this.pending.delete(apiKey);
          this.remember(apiKey, record);
        }
        return record;
      },
      (error: unknown) => {
        if (this.pending.get(apiKey) === lookup) this.pending.delete(apiKey);
        throw error;
      },
    );
    this.pending.set(apiKey, lookup);
    return lookup;
  }

  /** Drops a cached lookup (this process only). */
  forget(apiKey: string): void {
    this.cache.delete(apiKey);
    this.unknown.delete(apiKey);
    this.pending.delete(apiKey);
  }

  private async fetchKey(apiKey: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT k.api_key, k.account_id, k.secret_sealed, k.permissions, k.ip_allow_list,
              (k.revoked_at IS NOT NULL OR a.status <> 'active') AS revoked
       FROM api_keys k JOIN accounts a ON a.id = k.account_id
       WHERE k.api_key = $1`,
      [apiKey],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      apiKey: row.api_key,
      accountId: row.account_id,
      secretKey: this.box.open(row.secret_sealed, row.api_key),
      permissions: row.permissions,
      ipAllowList: row.ip_allow_list,
      revoked: row.revoked,
    };
  }

  private remember(apiKey: string, record: ApiKeyRecord | undefined): void {
    if (this.cacheTtlMs <= 0) return;
    this.cache.delete(apiKey);
    this.unknown.delete(apiKey);
    const into = record === undefined ? this.unknown : this.cache;
    const max =
      record === undefined ? Math.max(1, Math.floor(this.cacheMaxEntries / 10)) : this.cacheMaxEntries;
    if (into.size >= max) {
      // Maps iterate in insertion order: the first entry is the least recently used.
      const oldest = into.keys().next();
      if (oldest.done !== true) into.delete(oldest.value);
    }
    into.set(apiKey, { record, expiresAt: this.now() + this.cacheTtlMs });
  }

  private async insertKey(
    client: pg.PoolClient,
    accountId: string,
    options: NewKeyOptions,
  ): Promise<NewApiKey> {
    const apiKey = randomAlphanumeric();
    const secretKey = randomAlphanumeric();
    const label = options.label ?? '';
    const permissions = normalizePermissions(options.permissions ?? DEFAULT_PERMISSIONS);
    const ipAllowList = [...new Set(options.ipAllowList ?? [])];
    await client.query(
      `INSERT INTO api_keys (api_key, account_id, secret_sealed, label, permissions, ip_allow_list)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [apiKey, accountId, this.box.seal(secretKey, apiKey), label, permissions, ipAllowList],
    );
    return { accountId, apiKey, secretKey, label, permissions, ipAllowList };
  }
}

let shared: { readonly store: AccountStore; readonly pool: pg.Pool } | undefined;

/**
 * The process's store on the shared pool and the server key from configuration; a
 * store of its own again (empty cache) when the shared pool was closed and replaced.
 * @throws Error when the server key is missing or malformed (see `serverSecretKey`)
 */
export function accountStore(): AccountStore {
  const pool = database();
  if (shared?.pool !== pool)
    shared = { store: new AccountStore(pool, new SecretBox(serverSecretKey())), pool };
  return shared.store;
}
