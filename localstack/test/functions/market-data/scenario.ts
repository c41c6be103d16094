/**
 * A small, hand-checkable market for the market-data tests: a real engine core runs a
 * few orders on SOL_USDC (three trades, ten ask levels, two bid levels; BTC_USDC and
 * ETH_USDC stay untouched), the engine service's `RedisPublisher` writes the read
 * models exactly as in production (a rebuild at start, which marks the read models
 * complete, then the batch), and the DB processor writes the trades to
 * PostgreSQL from the engine's own `events.fifo` messages.
 */
import { Engine } from '@exchange/engine-service/core';
import { eventsMessagesOf, type JournaledCommand, RedisPublisher } from '@exchange/engine-service/runtime';
import { keys, redis } from '@exchange/functions/db/redis';
import {
  createMarketRegistry,
  isRejection,
  klineOpenTime,
  type MarketRegistry,
  toEngineCommand,
} from '@exchange/protocol';
import type pg from 'pg';
import { recordsOf } from '../../../../functions/test/db-processor/engine-stream.js';
import { processAll } from '../../../../functions/test/db-processor/tables.js';

/** What the scenario did, for the assertions. */
export interface Scenario {
  readonly registry: MarketRegistry;
  readonly engine: Engine;
  /** Start of the minute of the first command (ms); trades are 1 and 2 minutes later. */
  readonly t0: number;
  /** The times of trades 1, 2 and 3 (ms). */
  readonly tradeTimes: readonly [number, number, number];
}

/**
 * Runs the scenario and publishes it. Times are recent (the last quarter hour), so the
 * 24 h window of the database's ticker holds the trades too.
 */
export async function runScenario(db: pg.Pool): Promise<Scenario> {
  const registry = createMarketRegistry();
  const engine = new Engine(registry);
  const publisher = new RedisPublisher({ redis: redis(), engine, keys: keys() });
  await publisher.rebuild();
  const t0 = klineOpenTime('1m', Date.now()) - 15 * 60_000;
  const journaled: JournaledCommand[] = [];
  const run = (time: number, wire: Record<string, unknown>): void => {
    const requestId = `r-${journaled.length + 1}`;
    const command = toEngineCommand({ requestId, ...wire }, registry);
    if (isRejection(command)) throw new Error(`rejected: ${JSON.stringify(command)}`);
    const result = engine.execute(command, journaled.length + 1, time);
    if (result.code !== null) throw new Error(`engine rejected ${requestId}: ${result.code}`);
    journaled.push({ requestId, accountId: String(wire.accountId), result });
  };
  const limit = (accountId: string, side: string, price: string, quantity: string) => ({
    type: 'CREATE_ORDER',
    accountId,
    market: 'SOL_USDC',
    side,
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    price,
    quantity,
  });

  for (const accountId of ['alice', 'bob']) {
    run(t0, { type: 'DEPOSIT', accountId, asset: 'USDC', amount: '100000' });
    run(t0, { type: 'DEPOSIT', accountId, asset: 'SOL', amount: '1000' });
  }
  run(t0, limit('alice', 'SELL', '101.00', '2'));
  run(t0, limit('alice', 'SELL', '102.50', '1.5'));
  for (let i = 3; i <= 10; i++) run(t0, limit('alice', 'SELL', `${100 + i}.00`, '1'));
  run(t0, limit('bob', 'BUY', '99.00', '3'));
  run(t0, limit('bob', 'BUY', '98.75', '1'));
  const tradeTimes = [t0 + 60_000, t0 + 120_000, t0 + 125_000] as const;
  // Trade 1: bob takes 0.5 at 101.00. Trade 2: alice sells 1.2 into 99.00. Trade 3: bob lifts 0.25 at 101.00.
  run(tradeTimes[0], {
    type: 'CREATE_ORDER',
    accountId: 'bob',
    market: 'SOL_USDC',
    side: 'BUY',
    orderType: 'MARKET',
    quantity: '0.5',
  });
  run(tradeTimes[1], {
    type: 'CREATE_ORDER',
    accountId: 'alice',
    market: 'SOL_USDC',
    side: 'SELL',
    orderType: 'MARKET',
    quantity: '1.2',
  });
  run(tradeTimes[2], limit('bob', 'BUY', '101.00', '0.25'));

  await publisher.publish(journaled);
  await processAll(db, recordsOf(eventsMessagesOf(journaled, registry)));
  return { registry, engine, t0, tradeTimes };
}
