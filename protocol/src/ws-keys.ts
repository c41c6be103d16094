/**
 * The WebSocket streams' contract between the `functions/src/ws` route handlers, which
 * write the subscription registry, and the fan-out (`engine-service/src/fanout`),
 * which reads it: the Redis names, the scripts that change them, and the stream
 * names both sides parse the same way.
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
import { isKlineInterval, type KlineInterval } from './kline-intervals.js';
import type { MarketRegistry } from './markets.js';

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

// ---------------------------------------------------------------------------
// Stream names.

/** The payload family a stream is served in: ours (`{stream,data}`) or Binance's. */
export type StreamFace = 'native' | 'binance';

/** What a stream carries. */
export type StreamKind =
  | 'trades'
  | 'depth'
  | 'partialDepth'
  | 'ticker'
  | 'miniTicker'
  | 'avgPrice'
  | 'bookTicker'
  | 'kline'
  | 'allTickers'
  | 'allMiniTickers'
  | 'account';

/** How a private stream is delivered: see {@link accountStream}. */
export type AccountStreamFormat = 'native' | 'user' | 'wsapi';

/** Binance's partial book depths (`<symbol>@depth5`, `@depth10`, `@depth20`). */
export const PARTIAL_DEPTH_LEVELS = [5, 10, 20] as const;
export type PartialDepthLevels = (typeof PARTIAL_DEPTH_LEVELS)[number];

/** Binance's all-market arrays, canonical as clients spell them. */
export const ALL_TICKERS_STREAM = '!ticker@arr';
export const ALL_MINI_TICKERS_STREAM = '!miniTicker@arr';

/**
 * The suffix of a Binance stream's canonical name on a connection opened at
 * `/stream` (Binance's combined endpoint), whose messages arrive wrapped as
 * `{"stream":"solusdc@trade","data":…}`: `solusdc@trade/combined`. `/` never occurs
 * in a stream name, so the two forms cannot collide.
 */
export const COMBINED_SUFFIX = '/combined';

/** The canonical name of a Binance stream delivered wrapped (see {@link COMBINED_SUFFIX}). */
export function combinedStreamName(canonical: string): string {
  return `${canonical}${COMBINED_SUFFIX}`;
}

/**
 * One stream, parsed. `name` is canonical: the form stored in the registry and used by
 * the fan-out — the native names with the market's own symbol (`trades@SOL_USDC`,
 * `kline@SOL_USDC_1m`), Binance's with the lower-case symbol (`solusdc@depth@100ms`),
 * and `account@{accountId}` for the private stream.
 */
export type WsStream =
  | {
      readonly name: string;
      readonly face: StreamFace;
      readonly kind: 'trades' | 'ticker' | 'bookTicker' | 'miniTicker' | 'avgPrice';
      readonly market: string;
    }
  | {
      readonly name: string;
      readonly face: 'binance';
      readonly kind: 'partialDepth';
      readonly market: string;
      readonly levels: PartialDepthLevels;
      readonly speed: 'fast' | 'slow';
    }
  | { readonly name: string; readonly face: 'binance'; readonly kind: 'allTickers' | 'allMiniTickers' }
  | {
      readonly name: string;
      readonly face: StreamFace;
      readonly kind: 'depth';
      readonly market: string;
      /** `fast`: the fan-out's depth interval (100 ms by default); `slow`: 1000 ms (Binance's `@depth`). */
      readonly speed: 'fast' | 'slow';
    }
  | {
      readonly name: string;
      readonly face: StreamFace;
      readonly kind: 'kline';
      readonly market: string;
      readonly interval: KlineInterval;
    }
  | {
      readonly name: string;
      readonly face: StreamFace;
      readonly kind: 'account';
      readonly accountId: string;
      readonly format: AccountStreamFormat;
    };

/** Why a stream name was refused. */
export type WsStreamError = 'UNKNOWN_STREAM' | 'AUTH_REQUIRED';

/** The private stream's name as clients send it. */
export const WS_ACCOUNT_STREAM = 'account';

/**
 * The stream a client's name means: the native names (`trades@SOL_USDC`,
 * `depth@SOL_USDC`, `ticker@SOL_USDC`, `bookTicker@SOL_USDC`, `kline@SOL_USDC_1m`,
 * `account`) and Binance's (`solusdc@trade`, `solusdc@depth`, `solusdc@depth@100ms`,
 * `solusdc@ticker`, `solusdc@miniTicker`, `solusdc@avgPrice`, `solusdc@kline_1m`,
 * `solusdc@bookTicker`, `solusdc@depth5|10|20[@100ms]`, `!ticker@arr`, `!miniTicker@arr`). `account` needs the
 * account id of a signed connection.
 *
 * @example
 * parseStreamName('SOLUSDC@depth@100ms'.toLowerCase(), registry);
 * // { ok: true, stream: { name: 'solusdc@depth@100ms', face: 'binance', kind: 'depth', market: 'SOL_USDC', speed: 'fast' } }
 */
export function parseStreamName(
  requested: string,
  registry: MarketRegistry,
  accountId?: string,
): { readonly ok: true; readonly stream: WsStream } | { readonly ok: false; readonly error: WsStreamError } {
  const unknown = { ok: false, error: 'UNKNOWN_STREAM' } as const;
  if (requested === WS_ACCOUNT_STREAM) {
    if (accountId === undefined) return { ok: false, error: 'AUTH_REQUIRED' };
    return { ok: true, stream: accountStream(accountId) };
  }
  if (requested === ALL_TICKERS_STREAM) {
    return { ok: true, stream: { name: requested, face: 'binance', kind: 'allTickers' } };
  }
  if (requested === ALL_MINI_TICKERS_STREAM) {
    return { ok: true, stream: { name: requested, face: 'binance', kind: 'allMiniTickers' } };
  }
  const at = requested.indexOf('@');
  if (at <= 0) return unknown;
  const head = requested.slice(0, at);
  const tail = requested.slice(at + 1);
  const native = nativeStream(head, tail, registry);
  if (native !== undefined) return { ok: true, stream: native };
  const binance = binanceStream(head, tail, registry);
  return binance === undefined ? unknown : { ok: true, stream: binance };
}

/**
 * The canonical private stream of an account, by how it is delivered: `native`
 * (`account@{id}`, the engine's `AccountUpdate` as `{stream:"account",data}`), `user`
 * (`account@{id}@user`, Binance's user data events as its `/ws/<listenKey>` sends them;
 * `account@{id}@user/combined` on a `/stream` connection, each event wrapped as
 * `{"stream":<listenKey>,"data":…}`) or `wsapi` (`account@{id}@wsapi`, the same events as Binance's WebSocket API sends
 * them after `userDataStream.subscribe`: `{"subscriptionId":0,"event":…}`).
 */
export function accountStream(accountId: string, format: AccountStreamFormat = 'native'): WsStream {
  const name = `${WS_ACCOUNT_STREAM}@${accountId}${format === 'native' ? '' : `@${format}`}`;
  return { name, face: format === 'native' ? 'native' : 'binance', kind: 'account', accountId, format };
}

/**
 * The name a client used for a canonical stream (`account@{id}` → `account`), for
 * `LIST_SUBSCRIPTIONS` and the `stream` field of native messages.
 */
export function clientStreamName(canonical: string): string {
  if (canonical.startsWith(`${WS_ACCOUNT_STREAM}@`)) return WS_ACCOUNT_STREAM;
  return canonical.endsWith(COMBINED_SUFFIX) ? canonical.slice(0, -COMBINED_SUFFIX.length) : canonical;
}

/** Binance's symbol of a market: `SOL_USDC` → `SOLUSDC`. */
export function binanceSymbol(market: string): string {
  return market.replace('_', '');
}

function nativeStream(kind: string, target: string, registry: MarketRegistry): WsStream | undefined {
  if (kind === 'kline') {
    const cut = target.lastIndexOf('_');
    const interval = target.slice(cut + 1);
    const market = registry.market(target.slice(0, cut));
    if (cut <= 0 || market === undefined || !isKlineInterval(interval)) return undefined;
    return {
      name: `kline@${market.symbol}_${interval}`,
      face: 'native',
      kind: 'kline',
      market: market.symbol,
      interval,
    };
  }
  const market = registry.market(target);
  if (market === undefined) return undefined;
  const name = `${kind}@${market.symbol}`;
  switch (kind) {
    case 'trades':
    case 'ticker':
    case 'bookTicker':
      return { name, face: 'native', kind, market: market.symbol };
    case 'depth':
      return { name, face: 'native', kind, market: market.symbol, speed: 'fast' };
    default:
      return undefined;
  }
}

function binanceStream(symbol: string, rest: string, registry: MarketRegistry): WsStream | undefined {
  const lower = symbol.toLowerCase();
  const market = registry.markets.find((m) => binanceSymbol(m.symbol).toLowerCase() === lower);
  if (market === undefined) return undefined;
  const base = { face: 'binance' as const, market: market.symbol, name: `${lower}@${rest}` };
  switch (rest) {
    case 'trade':
      return { ...base, kind: 'trades' };
    case 'ticker':
      return { ...base, kind: 'ticker' };
    case 'bookTicker':
      return { ...base, kind: 'bookTicker' };
    case 'miniTicker':
      return { ...base, kind: 'miniTicker' };
    case 'avgPrice':
      return { ...base, kind: 'avgPrice' };
    case 'depth':
    case 'depth@1000ms':
      return { ...base, name: `${lower}@depth`, kind: 'depth', speed: 'slow' };
    case 'depth@100ms':
      return { ...base, kind: 'depth', speed: 'fast' };
  }
  const partial = /^depth(5|10|20)(@100ms|@1000ms)?$/.exec(rest);
  if (partial !== null) {
    const levels = Number(partial[1]) as PartialDepthLevels;
    const speed = partial[2] === '@100ms' ? 'fast' : 'slow';
    const name = `${lower}@depth${levels}${speed === 'fast' ? '@100ms' : ''}`;
    return { ...base, name, kind: 'partialDepth', levels, speed };
  }
  if (rest.startsWith('kline_')) {
    const interval = rest.slice('kline_'.length);
    if (isKlineInterval(interval)) return { ...base, kind: 'kline', interval };
  }
  return undefined;
}
