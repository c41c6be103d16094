/**
 * The engine's read models in Redis, as the API reads them: depth, tickers and book
 * tickers per market; balances and open orders per account. Each carries the engine
 * `seq` it reflects. A key not written yet (a market without orders, an account
 * without deposits) reads as the empty state, never as an error.
 */
import {
  type Asset,
  type BalancesReadModel,
  type BookTickerReadModel,
  balancesReadModelOf,
  type DepthReadModel,
  type Market,
  type OpenOrdersReadModel,
  openOrdersReadModelOf,
  type TickerReadModel,
} from '@exchange/protocol';
import { keys, redis } from '../db/redis.js';

async function read<T>(key: string): Promise<T | undefined> {
  const json = await redis().get(key);
  return json === null ? undefined : (JSON.parse(json) as T);
}

async function readMany<T>(keyList: readonly string[]): Promise<(T | undefined)[]> {
  if (keyList.length === 0) return [];
  const values = await redis().mget(...keyList);
  return values.map((json) => (json === null ? undefined : (JSON.parse(json) as T)));
}

/** A market's book, best levels first (the engine keeps the best 100 per side). */
export async function depthOf(market: string): Promise<DepthReadModel> {
  return (
    (await read<DepthReadModel>(keys().depth(market))) ?? {
      market,
      seq: 0,
      lastUpdateId: 0,
      bids: [],
      asks: [],
    }
  );
}

/** An account's balance of every asset; zero for assets it never held. */
export async function balancesOf(accountId: string, assets: readonly Asset[]): Promise<BalancesReadModel> {
  return balancesReadModelOf(accountId, assets, await redis().hgetall(keys().balances(accountId)));
}

/** An account's resting orders in every market, oldest first. */
export async function openOrdersOf(accountId: string): Promise<OpenOrdersReadModel> {
  return openOrdersReadModelOf(accountId, await redis().hgetall(keys().orders(accountId)));
}

/** The 24 h tickers of these markets, in order; `undefined` for a market that never traded. */
export function tickersOf(markets: readonly Market[]): Promise<(TickerReadModel | undefined)[]> {
  return readMany<TickerReadModel>(markets.map((m) => keys().ticker(m.symbol)));
}

/** Best bid and ask of these markets, in order; empty sides for a market with no orders. */
export async function bookTickersOf(markets: readonly Market[]): Promise<BookTickerReadModel[]> {
  const models = await readMany<BookTickerReadModel>(markets.map((m) => keys().bookTicker(m.symbol)));
  return models.map(
    (model, i) =>
      model ?? {
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
