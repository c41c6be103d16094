/**
 * Keeps the fan-out's {@link SubscriptionView} in step with the registry in Redis, and
 * the market-data messages in step with the view:
 *
 * - a `ws:changes` notice re-reads that one connection's `ws:subs:{id}` (and its
 *   listen keys), and the market-data messages that arrive after the notice wait until
 *   that read is applied: a subscription acknowledged before a message was published
 *   is in the view when the message is delivered (the handler acknowledges after its
 *   script published the notice, and Redis delivers one connection's messages in
 *   publication order);
 * - a full resync reads the stream sets (`ws:streams` → `ws:stream:{s}`; a shard only
 *   its members, filtered inside Redis) and closes every connection it was serving
 *   whose `ws:conn:{id}` vanished (Redis lost its data), so those clients reconnect.
 */
import { COMBINED_SUFFIX, type WsKeys } from '@exchange/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionPoster } from './connection-poster.js';
import { SHARD_MEMBERS_LUA, type Shard } from './connection-shard.js';
import { isUserDataStream, userDataStreamName } from './listen-key-watch.js';
import type { SubscriptionView } from './subscription-view.js';

export interface SubscriptionSyncOptions {
  readonly commands: Redis;
  readonly ws: WsKeys;
  readonly shard: Shard;
  readonly view: SubscriptionView;
  /** Account → the listen key its `/stream` connections wrap user data events with; kept here. */
  readonly listenKeys: Map<string, string>;
  readonly poster: ConnectionPoster;
  /** Routes one market-data message (called in arrival order, after the reads before it). */
  readonly route: (stream: string, message: string) => void;
  readonly logger: Logger;
}

/** The synchronisation's inputs: the two kinds of Redis message, and a full resync. */
export interface SubscriptionSync {
  /** A `ws:changes` notice for a connection this process serves. */
  changed(connectionId: string): void;
  /** A market-data message: routed now, or after the subscription reads before it. */
  message(stream: string, message: string): void;
  /** Re-reads the whole registry. */
  resync(): Promise<void>;
}

/**
 * A message, or a subscription read, in arrival order: `streams` undefined: the read is
 * in flight; null: it failed (the next resync repairs the view).
 */
type Held =
  | { readonly stream: string; readonly message: string }
  | {
      readonly connectionId: string;
      streams: string[] | null | undefined;
      /** The connection's `listenKeys` field (listen key → account), read with its streams. */
      listening?: string | null;
    };

/** @example const sync = subscriptionSync({ commands, ws, shard, view, listenKeys, poster, route, logger }); */
export function subscriptionSync(options: SubscriptionSyncOptions): SubscriptionSync {
  const { commands, ws, shard, view, listenKeys, poster, route, logger } = options;
  const held: Held[] = [];

  /** Remembers the listen keys a connection wraps its user data events with (`account@{id}@user/combined`). */
  const learnListenKeys = (streams: readonly string[], listening: string | null | undefined) => {
    if (listening === null || listening === undefined) return;
    for (const [listenKey, accountId] of Object.entries(JSON.parse(listening) as Record<string, string>)) {
      if (streams.includes(userDataStreamName(accountId, true))) listenKeys.set(accountId, listenKey);
    }
  };

  const drain = () => {
    while (held.length > 0) {
      const head = held[0] as Held;
      if ('connectionId' in head) {
        if (head.streams === undefined) return;
        if (head.streams !== null) {
          view.set(head.connectionId, head.streams);
          learnListenKeys(head.streams, head.listening);
          if (head.streams.length === 0) poster.forget(head.connectionId);
        }
      } else route(head.stream, head.message);
      held.shift();
    }
  };

  const changed = (connectionId: string) => {
    const read: Held = { connectionId, streams: undefined };
    held.push(read);
    commands
      .multi()
      .smembers(ws.subscriptions(connectionId))
      .hget(ws.connection(connectionId), 'listenKeys')
      .exec()
      .then((answers) => {
        const [[streamsError, streams], [keysError, listening]] = (answers ?? [
          [null, []],
          [null, null],
        ]) as [[Error | null, string[]], [Error | null, string | null]];
        if (streamsError !== null || keysError !== null) throw streamsError ?? keysError;
        return { streams, listening };
      })
      .then(
        ({ streams, listening }) => {
          read.listening = listening;
          read.streams = streams;
        },
        (error: unknown) => {
          read.streams = null;
          logger.warn({ err: error, connectionId }, 'subscription refresh failed');
        },
      )
      .finally(drain);
  };

  /** Closes the connections among `ids` whose registration is gone. */
  const closeLost = async (ids: readonly string[]) => {
    if (ids.length === 0) return;
    const pipeline = commands.pipeline();
    for (const id of ids) pipeline.exists(ws.connection(id));
    const answers = (await pipeline.exec()) ?? [];
    answers.forEach(([error, exists], i) => {
      if (error === null && exists === 0) poster.closeLost(ids[i] as string);
    });
  };

  const resync = async () => {
    const served = new Set(view.connectionIds());
    const streams = await commands.smembers(ws.streams);
    const pipeline = commands.pipeline();
    for (const stream of streams) {
      if (shard.count === 1) pipeline.smembers(ws.stream(stream));
      else pipeline.eval(SHARD_MEMBERS_LUA, 1, ws.stream(stream), shard.index, shard.count);
    }
    const answers = streams.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    const byConnection = new Map<string, string[]>();
    answers.forEach(([error, ids], i) => {
      if (error) throw error;
      for (const id of ids as string[]) {
        let mine = byConnection.get(id);
        if (mine === undefined) {
          mine = [];
          byConnection.set(id, mine);
        }
        mine.push(streams[i] as string);
      }
    });
    const combinedListeners = [...byConnection].filter(([, mine]) =>
      mine.some((stream) => isUserDataStream(stream) && stream.endsWith(COMBINED_SUFFIX)),
    );
    const keysRead = commands.pipeline();
    for (const [id] of combinedListeners) keysRead.hget(ws.connection(id), 'listenKeys');
    const keyAnswers = combinedListeners.length === 0 ? [] : ((await keysRead.exec()) ?? []);
    view.replaceAll(byConnection);
    listenKeys.clear();
    keyAnswers.forEach(([error, listening], i) => {
      const [, mine] = combinedListeners[i] as [string, string[]];
      if (error === null) learnListenKeys(mine, listening as string | null);
    });
    await closeLost([...served].filter((id) => !byConnection.has(id)));
  };

  return {
    changed,
    message(stream, message) {
      if (held.length === 0) route(stream, message);
      else held.push({ stream, message });
    },
    resync,
  };
}
