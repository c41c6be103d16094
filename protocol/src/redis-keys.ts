/**
 * Every Redis key and pub/sub channel name of the exchange. The engine writes them; the
 * API and the WebSocket fan-out read them. Nobody else spells a key. What each holds is
 * in `market-read-models.ts`, `account-read-models.ts` and `market-data-messages.ts`.
 *
 * | name                        | kind    | holds                                                        |
 * | --------------------------- | ------- | ------------------------------------------------------------ |
 * | `replies:{inbox}`           | channel | the engine's {@link Reply}s to one function instance's calls  |
 * | `depth:{market}`            | hash    | `seq`, `lastUpdateId`, per level `b{price}`/`a{price}` → quantity |
 * | `balances:{accountId}`      | hash    | `seq`, and per asset {@link balanceField}: minor units        |
 * | `orders:{accountId}`        | hash    | `seq`, and per resting order its id → {@link openOrderField}  |
 * | `bookTicker:{market}`       | key     | {@link bookTickerJson}: best bid and ask                      |
 * | `ticker:{market}`           | key     | {@link tickerJson}: rolling 24 h statistics                   |
 * | `md:trades@{market}`        | channel | a batch's fills in the market: {@link publicTradesJson}       |
 * | `md:depth@{market}`         | channel | a batch's book changes in the market, merged: {@link DepthDiff} |
 * | `md:ticker@{market}`        | channel | {@link tickerJson} after a batch with trades                  |
 * | `md:bookTicker@{market}`    | channel | {@link bookTickerJson} when the best bid or ask moved         |
 * | `md:account@{accountId}`    | channel | one {@link AccountUpdate} per command that touched the account, while it has a subscriber |
 * | `engine:lease`              | key     | the engine's single-writer lease (`<key>:token`: its fencing counter) |
 * | `engine:read-models`        | key     | written last by the engine's rebuild of every read model: the `seq` it reflects |
 *
 * Market-data channels share the `md:` prefix so the fan-out subscribes once with
 * {@link RedisKeys.marketDataPattern}; the part after `md:` is the public stream name
 * (`trades@SOL_USDC`).
 *
 * All names hang off an optional prefix ({@link redisKeys}), so tests and several
 * environments can share one Redis server. Pub/sub channels are not scoped by Redis
 * database numbers, which is why a prefix, not a `SELECT`, is the way to isolate.
 */

/** The public stream kinds of one market, as in `trades@SOL_USDC`. */
export const MARKET_STREAMS = ['trades', 'depth', 'ticker', 'bookTicker'] as const;
export type MarketStream = (typeof MARKET_STREAMS)[number];

/** The private stream kind: `account@{accountId}`. */
export const ACCOUNT_STREAM = 'account';

const MARKET_DATA_PREFIX = 'md:';

/** Every key and channel name, under one prefix. */
export interface RedisKeys {
  /** The prefix every name below starts with (`''` in production). */
  readonly prefix: string;
  /**
   * Inbox channel of one function instance: the engine publishes the {@link Reply} of
   * every command whose `replyTo` is `inbox` here (the reply carries its `requestId`).
   * The instance subscribes once, before its first command.
   */
  replies(inbox: string): string;
  /** Key of a market's {@link DepthReadModel}. */
  depth(market: string): string;
  /** Hash of an account's balances: see {@link balancesReadModelOf}. */
  balances(accountId: string): string;
  /** Hash of an account's resting orders: see {@link openOrdersReadModelOf}. */
  orders(accountId: string): string;
  /** Key of a market's {@link BookTickerReadModel}. */
  bookTicker(market: string): string;
  /** Key of a market's {@link TickerReadModel}. */
  ticker(market: string): string;
  /** Channel of a public market stream: `md:{stream}@{market}`. */
  marketChannel(stream: MarketStream, market: string): string;
  /** Channel of an account's private stream: `md:account@{accountId}`. */
  accountChannel(accountId: string): string;
  /** Key of the engine's single-writer lease. */
  readonly engineLease: string;
  /**
   * Key the engine writes (the `seq` it rebuilt at) after it has rebuilt every read
   * model, and never deletes. While it exists, a read model that is absent is truly
   * empty (a market without orders, an account the engine never touched); when it is
   * absent too, Redis lost its data and the engine has not rebuilt yet, so readers
   * answer "unavailable" rather than an empty book or zero balances.
   */
  readonly readModelsReady: string;
  /** `PSUBSCRIBE` pattern matching every market-data and account channel. */
  readonly marketDataPattern: string;
  /**
   * The stream name a market-data channel carries (`md:trades@SOL_USDC` → `trades@SOL_USDC`),
   * or undefined for a channel that is not market data.
   */
  streamOf(channel: string): string | undefined;
}

/**
 * The key and channel names under `prefix`.
 *
 * @example
 * const keys = redisKeys();
 * keys.replies('i-1');                      // 'replies:i-1'
 * keys.marketChannel('trades', 'SOL_USDC'); // 'md:trades@SOL_USDC'
 * redisKeys('test-42:').depth('SOL_USDC');  // 'test-42:depth:SOL_USDC'
 */
export function redisKeys(prefix = ''): RedisKeys {
  const md = `${prefix}${MARKET_DATA_PREFIX}`;
  return {
    prefix,
    replies: (inbox) => `${prefix}replies:${inbox}`,
    depth: (market) => `${prefix}depth:${market}`,
    balances: (accountId) => `${prefix}balances:${accountId}`,
    orders: (accountId) => `${prefix}orders:${accountId}`,
    bookTicker: (market) => `${prefix}bookTicker:${market}`,
    ticker: (market) => `${prefix}ticker:${market}`,
    marketChannel: (stream, market) => `${md}${stream}@${market}`,
    accountChannel: (accountId) => `${md}${ACCOUNT_STREAM}@${accountId}`,
    engineLease: `${prefix}engine:lease`,
    readModelsReady: `${prefix}engine:read-models`,
    marketDataPattern: `${md}*`,
    streamOf: (channel) => (channel.startsWith(md) ? channel.slice(md.length) : undefined),
  };
}

/** The production names: no prefix. */
export const REDIS_KEYS: RedisKeys = redisKeys();
