/**
 * The subscription registry in Redis (names and scripts in `@exchange/protocol`'s
 * `ws-keys.ts`): what the route handlers write and the fan-out reads.
 */
import {
  WS_CONNECTION_TTL_SECONDS,
  WS_DROP_CONNECTION_LUA,
  WS_SUBSCRIBE_LUA,
  WS_UNSUBSCRIBE_LUA,
  type WsKeys,
  wsKeys,
} from '@exchange/protocol';
import type { ChainableCommander, Redis } from 'ioredis';
import { redis } from '../db/redis.js';

/** A registered connection. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly connectedAt: number;
  /** Set when `$connect` was signed. */
  readonly accountId?: string;
  /** The API key that signed `$connect`, or whose listen key the connection opened. */
  readonly apiKey?: string;
  /** Opened at Binance's `/stream`: its Binance streams arrive as `{"stream":…,"data":…}`. */
  readonly combined?: boolean;
  /**
   * The listen keys it was opened with, each with its account: the fan-out sends
   * `listenKeyExpired` and ends that user data stream when the key is gone.
   */
  readonly listenKeys?: Readonly<Record<string, string>>;
}

/** Reads and writes the registry of one Redis server under one prefix. */
export class SubscriptionRegistry {
  readonly keys: WsKeys;

  constructor(
    private readonly client: Redis,
    prefix: string,
  ) {
    this.keys = wsKeys(prefix);
  }

  /** Records a connection for API Gateway's 2 h, counted from when it opened. */
  async register(record: ConnectionRecord): Promise<void> {
    const key = this.keys.connection(record.connectionId);
    const fields: Record<string, string> = { connectedAt: String(record.connectedAt) };
    if (record.accountId !== undefined) fields.accountId = record.accountId;
    if (record.apiKey !== undefined) fields.apiKey = record.apiKey;
    if (record.combined === true) fields.combined = '1';
    if (record.listenKeys !== undefined && Object.keys(record.listenKeys).length > 0) {
      fields.listenKeys = JSON.stringify(record.listenKeys);
    }
    const expiresAt = record.connectedAt + WS_CONNECTION_TTL_SECONDS * 1000;
    const write = this.client.multi().hset(key, fields).pexpireat(key, expiresAt);
    if (record.apiKey !== undefined) this.indexKey(write, record.connectionId, record.apiKey);
    await write.exec();
  }

  /** Files a connection under an API key, so that revoking the key drops it. */
  async addKeyConnection(connectionId: string, apiKey: string): Promise<void> {
    await this.indexKey(this.client.multi(), connectionId, apiKey).exec();
  }

  /** The connections an API key opened or subscribed (some may have closed since). */
  async keyConnections(apiKey: string): Promise<string[]> {
    return this.client.smembers(this.keys.keyConnections(apiKey));
  }

  /** Forgets an API key's connection index. */
  async forgetKey(apiKey: string): Promise<void> {
    await this.client.del(this.keys.keyConnections(apiKey));
  }

  private indexKey(write: ChainableCommander, connectionId: string, apiKey: string): ChainableCommander {
    const index = this.keys.keyConnections(apiKey);
    return write.sadd(index, connectionId).expire(index, WS_CONNECTION_TTL_SECONDS);
  }

  /** The connection's record, or undefined when it is not registered. */
  async connection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.connection(connectionId));
    if (fields.connectedAt === undefined) return undefined;
    return {
      connectionId,
      connectedAt: Number(fields.connectedAt),
      ...(fields.accountId === undefined ? {} : { accountId: fields.accountId }),
      ...(fields.apiKey === undefined ? {} : { apiKey: fields.apiKey }),
      ...(fields.combined === '1' ? { combined: true } : {}),
      ...(fields.listenKeys === undefined
        ? {}
        : { listenKeys: JSON.parse(fields.listenKeys) as Record<string, string> }),
    };
  }

  /**
   * Adds canonical streams to a connection; returns its stream count, or undefined when
   * the connection is not registered.
   */
  async subscribe(connectionId: string, streams: readonly string[]): Promise<number | undefined> {
    const count = (await this.client.eval(
      WS_SUBSCRIBE_LUA,
      2,
      this.keys.subscriptions(connectionId),
      this.keys.connection(connectionId),
      this.keys.prefix,
      connectionId,
      ...streams,
    )) as number;
    return count < 0 ? undefined : count;
  }

  /** Removes canonical streams from a connection. */
  async unsubscribe(connectionId: string, streams: readonly string[]): Promise<void> {
    await this.client.eval(
      WS_UNSUBSCRIBE_LUA,
      1,
      this.keys.subscriptions(connectionId),
      this.keys.prefix,
      connectionId,
      ...streams,
    );
  }

  /** The connection's canonical streams, sorted. */
  async subscriptions(connectionId: string): Promise<string[]> {
    return (await this.client.smembers(this.keys.subscriptions(connectionId))).sort();
  }

  /** Forgets the connection and all its subscriptions. */
  async drop(connectionId: string): Promise<void> {
    await this.client.eval(
      WS_DROP_CONNECTION_LUA,
      2,
      this.keys.subscriptions(connectionId),
      this.keys.connection(connectionId),
      this.keys.prefix,
      connectionId,
    );
  }
}

let shared: SubscriptionRegistry | undefined;

/** The registry on the function instance's shared connection, under `REDIS_PREFIX`. */
export function subscriptionRegistry(): SubscriptionRegistry {
  shared ??= new SubscriptionRegistry(redis(), process.env.REDIS_PREFIX ?? '');
  return shared;
}

/** Forgets the shared registry (tests that change `REDIS_PREFIX`). */
export function resetSubscriptionRegistry(): void {
  shared = undefined;
}
