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
import type { Redis } from 'ioredis';
import { redis } from '../db/redis.js';

/** A registered connection. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly connectedAt: number;
  /** Set when `$connect` was signed. */
  readonly accountId?: string;
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
    const expiresAt = record.connectedAt + WS_CONNECTION_TTL_SECONDS * 1000;
    await this.client.multi().hset(key, fields).pexpireat(key, expiresAt).exec();
  }

  /** The connection's record, or undefined when it is not registered. */
  async connection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.connection(connectionId));
    if (fields.connectedAt === undefined) return undefined;
    const record = { connectionId, connectedAt: Number(fields.connectedAt) };
    return fields.accountId === undefined ? record : { ...record, accountId: fields.accountId };
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
