/**
 * Binance's `listenKeyExpired`: a connection opened at `/ws/<listenKey>` gets the event
 * once its listen key is gone (60 minutes without a keep-alive, or closed with
 * `DELETE /api/v3/userDataStream`), and its user data stream stops.
 *
 * `$connect` records the connection's listen keys, each with its account, in
 * `ws:conn:{id}` (field `listenKeys`, JSON); every check the fan-out reads that field
 * for the connections it serves on a user data stream (`account@{id}@user`, or
 * `account@{id}@user/combined` on a `/stream` connection), asks
 * Redis which of their keys still exist (`ws:listen:{key}`), and for each one gone
 * posts the event (wrapped as `{"stream":<listenKey>,"data":…}` on a combined
 * connection), unsubscribes the connection from that account's user data stream
 * (unless another of its keys still names the account) and forgets the key.
 */
import { accountStream, combinedStreamName, WS_UNSUBSCRIBE_LUA, type WsKeys } from '@exchange/protocol';
import type { Redis } from 'ioredis';
import { nativeFrame } from './payloads.js';
import { listenKeyExpiredEvent } from './user-data.js';

/** The canonical name of an account's user data stream on a raw or a combined (`/stream`) connection. */
export function userDataStreamName(accountId: string, combined: boolean): string {
  const name = accountStream(accountId, 'user').name;
  return combined ? combinedStreamName(name) : name;
}

/** Whether a canonical stream is a listen key's user data stream, raw or combined. */
export function isUserDataStream(stream: string): boolean {
  return stream.startsWith('account@') && (stream.endsWith('@user') || stream.endsWith('@user/combined'));
}

/** What a connection on a user data stream was opened with. */
export interface ListenKeyConnection {
  readonly connectionId: string;
  /** Listen key → account. */
  readonly listenKeys: Readonly<Record<string, string>>;
  readonly combined: boolean;
}

/** What to do for one connection whose listen key is gone. Pure result of {@link expiredListenKeys}. */
export interface ListenKeyExpiry {
  readonly connectionId: string;
  /** The frame to post: `listenKeyExpired`, wrapped for a combined connection. */
  readonly frame: string;
  /** The user data streams to unsubscribe. */
  readonly streams: readonly string[];
  /** Its listen keys still alive (the new `listenKeys` field). */
  readonly remaining: Readonly<Record<string, string>>;
}

/**
 * The expiries among `connections`, given which listen keys still exist. Pure.
 *
 * @example
 * expiredListenKeys([{ connectionId: 'c', listenKeys: { k: 'a1' }, combined: false }], new Set(), 5);
 * // [{ connectionId: 'c', frame: '{"e":"listenKeyExpired","E":5,"listenKey":"k"}', streams: ['account@a1@user'], remaining: {} }]
 */
export function expiredListenKeys(
  connections: readonly ListenKeyConnection[],
  live: ReadonlySet<string>,
  now: number,
): ListenKeyExpiry[] {
  const expiries: ListenKeyExpiry[] = [];
  for (const connection of connections) {
    const entries = Object.entries(connection.listenKeys);
    const gone = entries.filter(([key]) => !live.has(key));
    if (gone.length === 0) continue;
    const remaining = Object.fromEntries(entries.filter(([key]) => live.has(key)));
    const stillNamed = new Set(Object.values(remaining));
    const frames = gone.map(([key]) => {
      const event = listenKeyExpiredEvent(key, now);
      return connection.combined ? nativeFrame(key, event) : event;
    });
    expiries.push({
      connectionId: connection.connectionId,
      frame: frames.length === 1 ? (frames[0] as string) : `[${frames.join(',')}]`,
      streams: [...new Set(gone.map(([, account]) => account))]
        .filter((account) => !stillNamed.has(account))
        .map((account) => userDataStreamName(account, connection.combined)),
      remaining,
    });
  }
  return expiries;
}

/**
 * Checks the listen keys of `connectionIds` (the served connections on a user data
 * stream) and ends the streams of the ones gone; `post` sends a frame to a connection.
 * Resolves to the expiries handled.
 */
export async function checkListenKeys(
  redis: Redis,
  ws: WsKeys,
  connectionIds: readonly string[],
  post: (connectionId: string, frame: string) => void,
  now = Date.now(),
): Promise<ListenKeyExpiry[]> {
  if (connectionIds.length === 0) return [];
  const read = redis.pipeline();
  for (const id of connectionIds) read.hmget(ws.connection(id), 'listenKeys', 'combined');
  const connections: ListenKeyConnection[] = [];
  ((await read.exec()) ?? []).forEach(([error, fields], i) => {
    const [listenKeys, combined] = (fields ?? []) as (string | null)[];
    if (error !== null || listenKeys === null || listenKeys === undefined) return;
    connections.push({
      connectionId: connectionIds[i] as string,
      listenKeys: JSON.parse(listenKeys) as Record<string, string>,
      combined: combined === '1',
    });
  });
  const keys = [...new Set(connections.flatMap((c) => Object.keys(c.listenKeys)))];
  if (keys.length === 0) return [];
  const exists = redis.pipeline();
  for (const key of keys) exists.exists(ws.listenKey(key));
  const live = new Set<string>();
  ((await exists.exec()) ?? []).forEach(([error, count], i) => {
    // A key that could not be checked is kept: the next check decides.
    if (error !== null || count === 1) live.add(keys[i] as string);
  });
  const expiries = expiredListenKeys(connections, live, now);
  for (const expiry of expiries) {
    post(expiry.connectionId, expiry.frame);
    const write = redis.multi();
    if (Object.keys(expiry.remaining).length === 0)
      write.hdel(ws.connection(expiry.connectionId), 'listenKeys');
    else write.hset(ws.connection(expiry.connectionId), 'listenKeys', JSON.stringify(expiry.remaining));
    await write.exec();
    if (expiry.streams.length > 0) {
      await redis.eval(
        WS_UNSUBSCRIBE_LUA,
        1,
        ws.subscriptions(expiry.connectionId),
        ws.prefix,
        expiry.connectionId,
        ...expiry.streams,
      );
    }
  }
  return expiries;
}
