/**
 * The engine's read models in Redis, as the API reads them: depth (a hash), tickers
 * and book tickers (JSON strings) per market; balances and open orders (hashes) per
 * account. Each carries the engine `seq` it reflects.
 *
 * An absent read model is only an empty one if the engine's read models are known to
 * be complete: each read checks, in the same round trip (a Lua script, atomic), the
 * marker the engine writes after rebuilding every read model (`readModelsReady`). With
 * the marker, an absent key is truly empty (a market without orders, an account the
 * engine never touched, such as one just signed up); without it, Redis lost its data
 * and the engine has not rebuilt yet, and the read throws
 * {@link DependencyUnavailableError} (the API answers 503) rather than showing an empty
 * book or zero balances.
 */
import {
  type Asset,
  type BalancesReadModel,
  type BookTickerReadModel,
  balancesReadModelOf,
  bookTickerReadModelOf,
  type DepthReadModel,
  depthReadModelOf,
  type Market,
  type OpenOrdersReadModel,
  openOrdersReadModelOf,
  type TickerReadModel,
  tickerReadModelOf,
} from '@exchange/protocol';
import type { Redis } from 'ioredis';
import { DependencyUnavailableError } from '../db/dependency-errors.js';
import { keys, redis } from '../db/redis.js';

/** KEYS: marker, hash. The hash's fields and values, flat; nil when it is absent and so is the marker. */
const READ_HASH = `
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 and redis.call('EXISTS', KEYS[1]) == 0 then return false end
return fields
`;

/** KEYS: marker, keys… The values (nil for an absent key); nil when any is absent and so is the marker. */
const READ_KEYS = `
local values = redis.call('MGET', unpack(KEYS, 2))
for i = 1, #values do
  if not values[i] then
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    return values
  end
end
return values
`;

interface ReadModelCommands {
  exchangeReadHash(marker: string, key: string): Promise<string[] | null>;
  exchangeReadKeys(numberOfKeys: number, ...keyList: string[]): Promise<(string | null)[] | null>;
}

const scripted = new WeakSet<Redis>();

function client(): Redis & ReadModelCommands {
  const connection = redis();
  if (!scripted.has(connection)) {
    connection.defineCommand('exchangeReadHash', { numberOfKeys: 2, lua: READ_HASH, readOnly: true });
    connection.defineCommand('exchangeReadKeys', { lua: READ_KEYS, readOnly: true });
    scripted.add(connection);
  }
  return connection as Redis & ReadModelCommands;
}

function notRebuilt(what: string): DependencyUnavailableError {
  return new DependencyUnavailableError(
    'read-models',
    `${what} is absent and the engine has not rebuilt its read models since Redis lost them`,
  );
}

async function readHash(key: string): Promise<Record<string, string>> {
  const flat = await client().exchangeReadHash(keys().readModelsReady, key);
  if (flat === null) throw notRebuilt(key);
  const hash: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}

async function readMany(keyList: readonly string[]): Promise<(string | undefined)[]> {
  if (keyList.length === 0) return [];
  const marker = keys().readModelsReady;
  const values = await client().exchangeReadKeys(keyList.length + 1, marker, ...keyList);
  if (values === null) throw notRebuilt(keyList.join(', '));
  return values.map((json) => json ?? undefined);
}

/** A market's book, best levels first (the engine keeps the best 100 per side). */
export async function depthOf(market: string): Promise<DepthReadModel> {
  return depthReadModelOf(market, await readHash(keys().depth(market)));
}

/** An account's balance of every asset; zero for assets it never held. */
export async function balancesOf(accountId: string, assets: readonly Asset[]): Promise<BalancesReadModel> {
  return balancesReadModelOf(accountId, assets, await readHash(keys().balances(accountId)));
}

/** An account's resting orders in every market, oldest first. */
export async function openOrdersOf(accountId: string): Promise<OpenOrdersReadModel> {
  return openOrdersReadModelOf(accountId, await readHash(keys().orders(accountId)));
}

/** The 24 h tickers of these markets, in order; `undefined` for a market that never traded. */
export async function tickersOf(markets: readonly Market[]): Promise<(TickerReadModel | undefined)[]> {
  const values = await readMany(markets.map((m) => keys().ticker(m.symbol)));
  return values.map((json, i) =>
    json === undefined ? undefined : tickerReadModelOf((markets[i] as Market).symbol, json),
  );
}

/** Best bid and ask of these markets, in order; empty sides for a market with no orders. */
export async function bookTickersOf(markets: readonly Market[]): Promise<BookTickerReadModel[]> {
  const values = await readMany(markets.map((m) => keys().bookTicker(m.symbol)));
  return values.map((json, i) =>
    json !== undefined
      ? bookTickerReadModelOf((markets[i] as Market).symbol, json)
      : {
          market: (markets[i] as Market).symbol,
          seq: 0,
          updateId: 0,
          bidPrice: null,
          bidQty: null,
          askPrice: null,
          askQty: null,
        },
  );
}
