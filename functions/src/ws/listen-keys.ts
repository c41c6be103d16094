/**
 * Binance's listen keys (`POST/PUT/DELETE /api/v3/userDataStream`): a listen key names
 * an account's user data stream, opened at `/ws/<listenKey>` without a signature. As on
 * Binance an account has one listen key at a time: asking again returns the same key
 * and extends it; it expires 60 minutes after it was created or last kept alive, and
 * its streams then get `listenKeyExpired` and stop.
 *
 * Stored in Redis under the registry's names (`ws:listen:{key}`, `ws:listen:of:{account}`,
 * see `@exchange/protocol`'s `ws-keys.ts`), both expiring together.
 */
import { randomBytes } from 'node:crypto';
import { type WsKeys, wsKeys } from '@exchange/protocol';
import type { Redis } from 'ioredis';
import { redis } from '../db/redis.js';

/** Binance's listen key validity. */
export const LISTEN_KEY_TTL_MS = 60 * 60 * 1000;

/** Who a listen key belongs to. */
export interface ListenKeyOwner {
  readonly accountId: string;
  /** The API key that created it: revoking that key drops the stream. */
  readonly apiKey: string;
}

/** Reads and writes listen keys of one Redis server under one prefix. */
export class ListenKeys {
  private readonly keys: WsKeys;

  constructor(
    private readonly client: Redis,
    prefix: string,
  ) {
    this.keys = wsKeys(prefix);
  }

  /** The account's listen key, created when it has none, and valid for 60 minutes from now. */
  async open(owner: ListenKeyOwner): Promise<string> {
    const existing = await this.client.get(this.keys.accountListenKey(owner.accountId));
    const listenKey = existing ?? randomBytes(30).toString('hex');
    const key = this.keys.listenKey(listenKey);
    await this.client
      .multi()
      .hset(key, { accountId: owner.accountId, apiKey: owner.apiKey })
      .pexpire(key, LISTEN_KEY_TTL_MS)
      .set(this.keys.accountListenKey(owner.accountId), listenKey, 'PX', LISTEN_KEY_TTL_MS)
      .exec();
    return listenKey;
  }

  /** Extends a listen key of the account by 60 minutes; false when it does not exist (or is not the account's). */
  async keepAlive(accountId: string, listenKey: string): Promise<boolean> {
    if ((await this.owner(listenKey))?.accountId !== accountId) return false;
    await this.client
      .multi()
      .pexpire(this.keys.listenKey(listenKey), LISTEN_KEY_TTL_MS)
      .pexpire(this.keys.accountListenKey(accountId), LISTEN_KEY_TTL_MS)
      .exec();
    return true;
  }

  /** Closes a listen key of the account; false when it does not exist (or is not the account's). */
  async close(accountId: string, listenKey: string): Promise<boolean> {
    if ((await this.owner(listenKey))?.accountId !== accountId) return false;
    await this.client.del(this.keys.listenKey(listenKey), this.keys.accountListenKey(accountId));
    return true;
  }

  /** The listen key's owner, or undefined when it does not exist or expired. */
  async owner(listenKey: string): Promise<ListenKeyOwner | undefined> {
    const fields = await this.client.hgetall(this.keys.listenKey(listenKey));
    if (fields.accountId === undefined || fields.apiKey === undefined) return undefined;
    return { accountId: fields.accountId, apiKey: fields.apiKey };
  }
}

let shared: ListenKeys | undefined;

/** The listen keys on the function instance's shared connection, under `REDIS_PREFIX`. */
export function listenKeys(): ListenKeys {
  shared ??= new ListenKeys(redis(), process.env.REDIS_PREFIX ?? '');
  return shared;
}

/** Forgets the shared instance (tests that change `REDIS_PREFIX`). */
export function resetListenKeys(): void {
  shared = undefined;
}
