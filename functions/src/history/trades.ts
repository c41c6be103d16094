/**
 * Trades of a market, and fills of an account, from the `trades` table.
 */
import type { Fill, MarketRegistry } from '@exchange/protocol';
import { database } from '../db/pool.js';
import { marketRegistry } from '../markets.js';
import type { Queryable } from './queryable.js';

/** One trade as the public sees it, plus the orders it matched. */
export interface TradeRecord {
  readonly id: number;
  readonly market: string;
  readonly price: string;
  readonly quantity: string;
  readonly quoteQuantity: string;
  /** When the engine made it (ms). */
  readonly time: number;
  /** The resting order was the buy (the taker sold). */
  readonly isBuyerMaker: boolean;
  readonly buyOrderId: number;
  readonly sellOrderId: number;
  /** Engine sequence of the command that made it. */
  readonly seq: number;
}

export interface TradeRangeQuery {
  /** Trades at or after this time (ms). */
  readonly startTime?: number;
  /** Trades at or before this time (ms). */
  readonly endTime?: number;
  /** Trades with this id or greater (ids count per market). */
  readonly fromId?: number;
  /** 1–1000, default 500. */
  readonly limit?: number;
}

export const DEFAULT_TRADE_LIMIT = 500;
export const MAX_TRADE_LIMIT = 1_000;

interface TradeRow {
  trade_id: string;
  market: string;
  price: string;
  quantity: string;
  quote_quantity: string;
  time_ms: string;
  is_buyer_maker: boolean;
  buy_order_id: string;
  sell_order_id: string;
  seq: string;
}

const TRADE_COLUMNS = `trade_id, market, price::text, quantity::text, quote_quantity::text,
  (extract(epoch FROM time) * 1000)::bigint AS time_ms, is_buyer_maker, buy_order_id, sell_order_id, seq`;

/**
 * The newest `limit` trades of a market, oldest first (Binance's `/api/v3/trades`).
 * @example const last = await recentTrades('SOL_USDC', 100);
 */
export async function recentTrades(
  market: string,
  limit = DEFAULT_TRADE_LIMIT,
  db: Queryable = database(),
): Promise<TradeRecord[]> {
  const { rows } = await db.query<TradeRow>({
    name: 'history.recent-trades',
    text: `SELECT ${TRADE_COLUMNS} FROM trades WHERE market = $1 ORDER BY trade_id DESC LIMIT $2`,
    values: [market, clampLimit(limit)],
  });
  return rows.map(toTradeRecord).reverse();
}

/**
 * Trades of a market in a time range or from an id, oldest first: from the lower
 * bound when one is given, else the newest `limit` up to `endTime`.
 * @example const hour = await trades('SOL_USDC', { startTime: t, endTime: t + 3_600_000 });
 */
export async function trades(
  market: string,
  query: TradeRangeQuery = {},
  db: Queryable = database(),
): Promise<TradeRecord[]> {
  const values: unknown[] = [market, clampLimit(query.limit)];
  const where = boundsOf(query, values, 'trade_id');
  const ascending = query.startTime !== undefined || query.fromId !== undefined;
  const { rows } = await db.query<TradeRow>({
    text: `SELECT ${TRADE_COLUMNS} FROM trades WHERE market = $1${where}
      ORDER BY ${ascending ? 'time, trade_id' : 'time DESC, trade_id DESC'} LIMIT $2`,
    values,
  });
  const records = rows.map(toTradeRecord);
  return ascending ? records : records.reverse();
}

export interface FillQuery extends TradeRangeQuery {
  /** Only this market's fills; `fromId` needs it, trade ids counting per market. */
  readonly market?: string;
}

interface FillRow extends TradeRow {
  side: 'BUY' | 'SELL';
  fee: string;
}

/**
 * One account's fills (its side of each trade), oldest first: from the lower bound
 * when one is given, else the newest `limit` (Binance's `/api/v3/myTrades`).
 * @throws Error when `fromId` is given without `market`
 * @example const mine = await fills('acc-1', { market: 'SOL_USDC', limit: 50 });
 */
export async function fills(
  accountId: string,
  query: FillQuery = {},
  db: Queryable = database(),
  registry: MarketRegistry = marketRegistry(),
): Promise<Fill[]> {
  if (query.fromId !== undefined && query.market === undefined) {
    throw new Error('fills: fromId needs a market (trade ids count per market)');
  }
  const values: unknown[] = [accountId, clampLimit(query.limit)];
  let where = boundsOf(query, values, 'trade_id');
  if (query.market !== undefined) {
    values.push(query.market);
    where += ` AND market = $${values.length}`;
  }
  const ascending = query.startTime !== undefined || query.fromId !== undefined;
  const order = ascending ? 'time, market, trade_id' : 'time DESC, market DESC, trade_id DESC';
  const { rows } = await db.query<FillRow>({
    text: `SELECT * FROM (
        SELECT ${TRADE_COLUMNS}, 'BUY' AS side, buyer_fee::text AS fee, time
        FROM trades WHERE buyer_account_id = $1${where}
        UNION ALL
        SELECT ${TRADE_COLUMNS}, 'SELL' AS side, seller_fee::text AS fee, time
        FROM trades WHERE seller_account_id = $1${where}
      ) AS f ORDER BY ${order} LIMIT $2`,
    values,
  });
  const result = rows.map((row): Fill => {
    const market = registry.market(row.market);
    if (market === undefined) throw new Error(`fills: unknown market ${row.market} in trades`);
    return {
      tradeId: Number(row.trade_id),
      market: row.market,
      orderId: Number(row.side === 'BUY' ? row.buy_order_id : row.sell_order_id),
      side: row.side,
      price: row.price,
      quantity: row.quantity,
      quoteQuantity: row.quote_quantity,
      fee: row.fee,
      feeAsset: row.side === 'BUY' ? market.base.symbol : market.quote.symbol,
      isMaker: row.is_buyer_maker === (row.side === 'BUY'),
      time: Number(row.time_ms),
    };
  });
  return ascending ? result : result.reverse();
}

/** Appends the time and id bounds of `query` to `values`; returns the SQL conditions. */
function boundsOf(query: TradeRangeQuery, values: unknown[], idColumn: string): string {
  let where = '';
  if (query.startTime !== undefined) {
    values.push(new Date(query.startTime));
    where += ` AND time >= $${values.length}`;
  }
  if (query.endTime !== undefined) {
    values.push(new Date(query.endTime));
    where += ` AND time <= $${values.length}`;
  }
  if (query.fromId !== undefined) {
    values.push(query.fromId);
    where += ` AND ${idColumn} >= $${values.length}`;
  }
  return where;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_TRADE_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), MAX_TRADE_LIMIT);
}

function toTradeRecord(row: TradeRow): TradeRecord {
  return {
    id: Number(row.trade_id),
    market: row.market,
    price: row.price,
    quantity: row.quantity,
    quoteQuantity: row.quote_quantity,
    time: Number(row.time_ms),
    isBuyerMaker: row.is_buyer_maker,
    buyOrderId: Number(row.buy_order_id),
    sellOrderId: Number(row.sell_order_id),
    seq: Number(row.seq),
  };
}
