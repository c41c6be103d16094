/**
 * The WebSocket subscription registry: the contract between the `functions/src/ws` route
 * handlers, which write it, and the fan-out (`engine-service/src/fanout`), which reads
 * it — its Redis names and the scripts that change them. The stream names both sides
 * parse the same way are in `ws-streams.ts`.
 *
 * | name                   | kind    | holds                                                                  |
 * | ---------------------- | ------- | ---------------------------------------------------------------------- |
 * | `ws:conn:{id}`         | hash    | `connectedAt` (ms) and, for a signed `$connect`, `accountId`; 2 h TTL  |
 * | `ws:subs:{id}`         | set     | the connection's canonical stream names; expires with `ws:conn:{id}`   |
 * | `ws:stream:{stream}`   | set     | ids of the connections subscribed to a canonical stream                |
 * | `ws:streams`           | set     | every canonical stream with at least one subscriber (the resync index) |
 * | `ws:changes`           | channel | a connection id, published after its subscriptions changed            |
 * | `ws:accounts`          | set     | account ids whose private stream has at least one subscriber           |
 * | `ws:accounts:version`  | string  | an integer raised by every change of `ws:accounts`                     |
 * | `ws:registry`          | string  | set by the fan-out; its absence means Redis lost the registry          |
 * | `ws:listen:{key}`      | hash    | a listen key's `accountId` and `apiKey`; expires 60 min after its last keep-alive |
 * | `ws:listen:of:{acct}`  | string  | the account's listen key (one per account, as on Binance); same expiry |
 * | `ws:key:{apiKey}`      | set     | ids of the connections an API key opened or subscribed; 2 h TTL        |
 *
 * The handlers change the registry only through {@link WS_SUBSCRIBE_LUA},
 * {@link WS_UNSUBSCRIBE_LUA} and {@link WS_DROP_CONNECTION_LUA}, each atomic and each
 * publishing on `ws:changes`; the fan-out applies a change by reading `ws:subs:{id}`
 * again (so the latest state wins, whatever order notifications arrive in) and
 * resyncs everything from `ws:streams` periodically. The scripts build key names from
 * the prefix they are given, so they suit a single Redis node (ElastiCache with
 * cluster mode off), not Redis Cluster.
 *
 * `ws:accounts` is how the engine publishes account updates only for accounts someone
 * listens to: it compares `ws:accounts:version` with the version it last read in every
 * publication and reads the set again when they differ. The scripts change the set
 * and the version together, atomically, before the handler acknowledges a `SUBSCRIBE`.
 * A version starts (when the key is absent: a new or emptied Redis) at the server's
 * clock in microseconds, so after a data loss it never repeats one read before it.
 */

/** API Gateway ends every WebSocket connection after 2 hours: the registry expires with it. */
export const WS_CONNECTION_TTL_SECONDS = 2 * 60 * 60;

/** At most this many streams per connection (Binance's limit). */
export const WS_MAX_STREAMS_PER_CONNECTION = 1024;

/** Every registry name, under one prefix (the same one as {@link redisKeys}). */
export interface WsKeys {
  readonly prefix: string;
  /** Hash of one connection: `connectedAt`, and `accountId` when its `$connect` was signed. */
  connection(connectionId: string): string;
  /** Set of one connection's canonical streams. */
  subscriptions(connectionId: string): string;
  /** Set of the connection ids subscribed to one canonical stream. */
  stream(stream: string): string;
  /** Set of every canonical stream with a subscriber. */
  readonly streams: string;
  /** Channel carrying the id of a connection whose subscriptions changed. */
  readonly changes: string;
  /** Set of the account ids whose private stream has a subscriber. */
  readonly accounts: string;
  /** Counter raised with every change of {@link accounts}. */
  readonly accountsVersion: string;
  /** Marker the fan-out keeps set: when it is gone, so is the rest of the registry. */
  readonly registryMarker: string;
  /** Hash of one listen key: `accountId`, `apiKey`. */
  listenKey(listenKey: string): string;
  /** The account's listen key. */
  accountListenKey(accountId: string): string;
  /** Set of the connections an API key opened or subscribed (dropped when it is revoked). */
  keyConnections(apiKey: string): string;
}

/**
 * The registry names under `prefix`.
 *
 * @example
 * wsKeys('test-1:').stream('trades@SOL_USDC'); // 'test-1:ws:stream:trades@SOL_USDC'
 */
export function wsKeys(prefix = ''): WsKeys {
  const ws = `${prefix}ws:`;
  return {
    prefix,
    connection: (id) => `${ws}conn:${id}`,
    subscriptions: (id) => `${ws}subs:${id}`,
    stream: (stream) => `${ws}stream:${stream}`,
    streams: `${ws}streams`,
    changes: `${ws}changes`,
    accounts: `${ws}accounts`,
    accountsVersion: `${ws}accounts:version`,
    registryMarker: `${ws}registry`,
    listenKey: (key) => `${ws}listen:${key}`,
    accountListenKey: (accountId) => `${ws}listen:of:${accountId}`,
    keyConnections: (apiKey) => `${ws}key:${apiKey}`,
  };
}

/**
 * Lua shared by the scripts: `bump(prefix)` raises `ws:accounts:version` (from the
 * server's clock in microseconds when absent); `rememberAccount(prefix, stream)` puts
 * the account of a private stream (`account@{id}`, `account@{id}@user`,
 * `account@{id}@user/combined`, `account@{id}@wsapi`) into `ws:accounts`; `forgetAccount(prefix, stream)` takes it out
 * once none of the account's private streams has a subscriber left.
 */
const ACCOUNTS_LUA = `
local function bump(prefix)
  local key = prefix .. 'ws:accounts:version'
  if redis.call('EXISTS', key) == 0 then
    local t = redis.call('TIME')
    redis.call('SET', key, t[1] .. string.format('%06d', tonumber(t[2])))
  end
  redis.call('INCR', key)
end
local function accountOf(stream)
  return string.match(stream, '^account@([^@/]+)')
end
local function rememberAccount(prefix, stream)
  local account = accountOf(stream)
  if account and redis.call('SADD', prefix .. 'ws:accounts', account) == 1 then bump(prefix) end
end
local function forgetAccount(prefix, stream)
  local account = accountOf(stream)
  if not account then return end
  local base = prefix .. 'ws:stream:account@' .. account
  for _, suffix in ipairs({ '', '@user', '@user/combined', '@wsapi' }) do
    if redis.call('EXISTS', base .. suffix) == 1 then return end
  end
  if redis.call('SREM', prefix .. 'ws:accounts', account) == 1 then bump(prefix) end
end
`;

/**
 * Adds streams to a connection. `KEYS[1]` = `ws:subs:{id}`, `KEYS[2]` = `ws:conn:{id}`;
 * `ARGV` = prefix, connection id, streams…. Returns the connection's stream count, or
 * -1 when the connection is not registered (expired, or already gone).
 */
export const WS_SUBSCRIBE_LUA = `${ACCOUNTS_LUA}
local prefix, id = ARGV[1], ARGV[2]
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 then return -1 end
for i = 3, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
  redis.call('SADD', prefix .. 'ws:stream:' .. ARGV[i], id)
  redis.call('SADD', prefix .. 'ws:streams', ARGV[i])
  rememberAccount(prefix, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PUBLISH', prefix .. 'ws:changes', id)
return redis.call('SCARD', KEYS[1])
`;

/**
 * Removes streams from a connection. `KEYS[1]` = `ws:subs:{id}`; `ARGV` = prefix,
 * connection id, streams…. Returns the connection's stream count.
 */
export const WS_UNSUBSCRIBE_LUA = `${ACCOUNTS_LUA}
local prefix, id = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  redis.call('SREM', KEYS[1], ARGV[i])
  local key = prefix .. 'ws:stream:' .. ARGV[i]
  redis.call('SREM', key, id)
  if redis.call('SCARD', key) == 0 then
    redis.call('SREM', prefix .. 'ws:streams', ARGV[i])
    forgetAccount(prefix, ARGV[i])
  end
end
redis.call('PUBLISH', prefix .. 'ws:changes', id)
return redis.call('SCARD', KEYS[1])
`;

/**
 * Forgets a connection and every subscription it had (`$disconnect`, or the fan-out
 * after `GoneException`). `KEYS[1]` = `ws:subs:{id}`, `KEYS[2]` = `ws:conn:{id}`;
 * `ARGV` = prefix, connection id. Returns how many streams it had.
 */
export const WS_DROP_CONNECTION_LUA = `${ACCOUNTS_LUA}
local prefix, id = ARGV[1], ARGV[2]
local streams = redis.call('SMEMBERS', KEYS[1])
for _, stream in ipairs(streams) do
  local key = prefix .. 'ws:stream:' .. stream
  redis.call('SREM', key, id)
  if redis.call('SCARD', key) == 0 then
    redis.call('SREM', prefix .. 'ws:streams', stream)
    forgetAccount(prefix, stream)
  end
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', prefix .. 'ws:changes', id)
return #streams
`;
