import {
  type EngineTradeEvent,
  type ExecutionResult,
  formatOnGrid,
  formatUnits,
  type MarketRegistry,
  type PublicTrade,
} from '@exchange/protocol';
import { requireMarket } from './market-state.js';

/** A market's share of a batch: its fills, and its depth changes merged (ticks → lots, 0: gone). */
export interface MarketBatch {
  readonly trades: PublicTrade[];
  depth:
    | {
        firstUpdateId: number;
        lastUpdateId: number;
        seq: number;
        time: number;
        readonly bids: Map<number, number>;
        readonly asks: Map<number, number>;
      }
    | undefined;
}

/** What a batch touched, in the order first touched. */
export interface Touched {
  readonly markets: Map<string, MarketBatch>;
  /** Account → the assets whose balance changed. */
  readonly balances: Map<string, Set<string>>;
  /** Account → its orders that were placed, changed or ended. */
  readonly orders: Map<string, Set<number>>;
  /** Orders placed in this batch: ended within it, they were never written. */
  readonly placed: Set<number>;
}

export function nothingTouched(): Touched {
  return { markets: new Map(), balances: new Map(), orders: new Map(), placed: new Set() };
}

/**
 * Adds what one result of a batch touched: its fills as published, its depth changes
 * merged per market, the assets and orders it changed per account.
 * @param batchTime the batch's `time`: an order created at it or later was placed in the batch
 */
export function collectTouched(
  result: ExecutionResult,
  touched: Touched,
  batchTime: number,
  registry: MarketRegistry,
): void {
  for (const event of result.events) {
    switch (event.type) {
      case 'TRADE':
        marketBatchOf(touched, event.market).trades.push(publicTrade(event, result, registry));
        break;
      case 'DEPTH': {
        const market = marketBatchOf(touched, event.market);
        market.depth ??= {
          firstUpdateId: event.updateId,
          lastUpdateId: event.updateId,
          seq: result.seq,
          time: result.time,
          bids: new Map(),
          asks: new Map(),
        };
        const depth = market.depth;
        depth.lastUpdateId = event.updateId;
        depth.seq = result.seq;
        depth.time = result.time;
        for (const [price, quantity] of event.bids) depth.bids.set(price, quantity);
        for (const [price, quantity] of event.asks) depth.asks.set(price, quantity);
        break;
      }
      case 'ORDER':
        entryOf(touched.orders, event.accountId).add(event.orderId);
        if (event.createdAt >= batchTime) touched.placed.add(event.orderId);
        break;
      case 'BALANCE':
        entryOf(touched.balances, event.accountId).add(event.asset);
        break;
      case 'WITHDRAWAL':
        break;
    }
  }
}

/** A fill as `md:trades@{market}` carries it. */
function publicTrade(
  trade: EngineTradeEvent,
  result: ExecutionResult,
  registry: MarketRegistry,
): PublicTrade {
  const market = requireMarket(registry, trade.market);
  return {
    type: 'TRADE',
    seq: result.seq,
    time: result.time,
    market: trade.market,
    tradeId: trade.tradeId,
    price: formatOnGrid(trade.price, market.tick),
    quantity: formatOnGrid(trade.quantity, market.step),
    quoteQuantity: formatUnits(trade.quoteQuantity, market.quote.decimals),
    takerSide: trade.takerSide,
  };
}

function marketBatchOf(touched: Touched, symbol: string): MarketBatch {
  let market = touched.markets.get(symbol);
  if (market === undefined) {
    market = { trades: [], depth: undefined };
    touched.markets.set(symbol, market);
  }
  return market;
}

/** The set `map` holds under `key`, added empty when missing. */
function entryOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
