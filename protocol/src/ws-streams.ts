/**
 * WebSocket stream names, native and Binance's: which names a client may send, the
 * canonical form the registry (`ws-keys.ts`) stores and the fan-out serves, and the
 * name a client is shown back. The route handlers and the fan-out parse them here, the
 * same way.
 */
import { isKlineInterval, type KlineInterval } from './kline-intervals.js';
import type { MarketRegistry } from './markets.js';

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
