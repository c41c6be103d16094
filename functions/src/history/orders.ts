/**
 * One account's orders, from the `orders` table: open ones and the ended history.
 */
import type { OrderStatus, OrderType, SelfTradePrevention, Side, TimeInForce } from '@exchange/protocol';
import { database } from '../db/pool.js';
import type { Queryable } from './queryable.js';

/** An order in its latest state; amounts are exact decimal strings. */
export interface OrderRecord {
  readonly orderId: number;
  readonly market: string;
  readonly accountId: string;
  readonly clientOrderId: string | null;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly selfTradePrevention: SelfTradePrevention;
  /** Null for market orders. */
  readonly price: string | null;
  /** Null when sized by quote. */
  readonly quantity: string | null;
  /** Null when sized by quantity. */
  readonly quoteQuantity: string | null;
  readonly filledQuantity: string;
  readonly filledQuote: string;
  readonly status: OrderStatus;
  readonly reason: string | null;
  /** When it was placed (ms). */
  readonly createdAt: number;
  /** When a command last changed it (ms). */
  readonly updatedAt: number;
  /** Engine sequence of that command. */
  readonly seq: number;
  /** Stop and take-profit orders' trigger price; null when none. */
  readonly stopPrice: string | null;
  /** Basis points; 0 when the order does not trail. */
  readonly trailingDelta: number;
  /** When it started working (ms); -1 while a stop order waits (Binance's `workingTime`). */
  readonly workingTime: number;
  /** Its OCO list; -1 when none. */
  readonly orderListId: number;
  /** That list's client id; null when none. */
  readonly listClientOrderId: string | null;
}

export interface OrderHistoryQuery {
  readonly market?: string;
  /** Orders placed at or after this time (ms). */
  readonly startTime?: number;
  /** Orders placed at or before this time (ms). */
  readonly endTime?: number;
  /** Orders with this id or greater. */
  readonly fromOrderId?: number;
  /** 1–1000, default 500. */
  readonly limit?: number;
}

export const DEFAULT_ORDER_LIMIT = 500;
export const MAX_ORDER_LIMIT = 1_000;

interface OrderRow {
  order_id: string;
  market: string;
  account_id: string;
  client_order_id: string | null;
  side: Side;
  order_type: OrderType;
  time_in_force: TimeInForce;
  post_only: boolean;
  self_trade_prevention: SelfTradePrevention;
  price: string | null;
  quantity: string | null;
  quote_quantity: string | null;
  filled_quantity: string;
  filled_quote: string;
  status: OrderStatus;
  reason: string | null;
  created_ms: string;
  updated_ms: string;
  seq: string;
  stop_price: string | null;
  trailing_delta: number;
  working_ms: string | null;
  order_list_id: string;
  list_client_order_id: string | null;
}

const ORDER_COLUMNS = `order_id, market, account_id, client_order_id, side, order_type, time_in_force, post_only,
  self_trade_prevention, price::text, quantity::text, quote_quantity::text, filled_quantity::text,
  filled_quote::text, status, reason, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms,
  (extract(epoch FROM updated_at) * 1000)::bigint AS updated_ms, seq, stop_price::text, trailing_delta,
  (extract(epoch FROM working_time) * 1000)::bigint AS working_ms, order_list_id, list_client_order_id`;

/**
 * An account's orders in order id order (placement order): from `fromOrderId` or
 * `startTime` when given, else the newest `limit` (Binance's `/api/v3/allOrders`).
 * @example const history = await orderHistory('acc-1', { market: 'SOL_USDC', limit: 100 });
 */
export async function orderHistory(
  accountId: string,
  query: OrderHistoryQuery = {},
  db: Queryable = database(),
): Promise<OrderRecord[]> {
  const values: unknown[] = [accountId, clampLimit(query.limit)];
  let where = '';
  const bound = (condition: string, value: unknown): void => {
    values.push(value);
    where += ` AND ${condition} $${values.length}`;
  };
  if (query.market !== undefined) bound('market =', query.market);
  if (query.startTime !== undefined) bound('created_at >=', new Date(query.startTime));
  if (query.endTime !== undefined) bound('created_at <=', new Date(query.endTime));
  if (query.fromOrderId !== undefined) bound('order_id >=', query.fromOrderId);
  const ascending = query.startTime !== undefined || query.fromOrderId !== undefined;
  const { rows } = await db.query<OrderRow>({
    text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE account_id = $1${where}
      ORDER BY order_id ${ascending ? 'ASC' : 'DESC'} LIMIT $2`,
    values,
  });
  const orders = rows.map(toOrderRecord);
  return ascending ? orders : orders.reverse();
}

/**
 * One order of an account, or undefined (also when it belongs to another account).
 * @example const order = await orderById('acc-1', 42);
 */
export async function orderById(
  accountId: string,
  orderId: number,
  db: Queryable = database(),
): Promise<OrderRecord | undefined> {
  const { rows } = await db.query<OrderRow>({
    name: 'history.order-by-id',
    text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = $1 AND account_id = $2`,
    values: [orderId, accountId],
  });
  const row = rows[0];
  return row === undefined ? undefined : toOrderRecord(row);
}

export interface OrderListQuery {
  /** One list. */
  readonly orderListId?: number;
  /** Lists with this client id (newest first with a `limit` of 1: the latest). */
  readonly listClientOrderId?: string;
  /** Lists with this id or greater. */
  readonly fromId?: number;
  /** Lists placed at or after / at or before this time (ms). */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Lists, 1–1000, default 500. */
  readonly limit?: number;
}

/**
 * The orders of an account's OCO lists, by list id then order id: from `fromId` or
 * `startTime` when given, else the newest `limit` lists (Binance's `/api/v3/allOrderList`).
 * @example const orders = await orderListOrders('acc-1', { orderListId: 42 });
 */
export async function orderListOrders(
  accountId: string,
  query: OrderListQuery = {},
  db: Queryable = database(),
): Promise<OrderRecord[]> {
  const values: unknown[] = [accountId, clampLimit(query.limit) * 2];
  let where = '';
  const bound = (condition: string, value: unknown): void => {
    values.push(value);
    where += ` AND ${condition} $${values.length}`;
  };
  if (query.orderListId !== undefined) bound('order_list_id =', query.orderListId);
  if (query.listClientOrderId !== undefined) bound('list_client_order_id =', query.listClientOrderId);
  if (query.fromId !== undefined) bound('order_list_id >=', query.fromId);
  if (query.startTime !== undefined) bound('created_at >=', new Date(query.startTime));
  if (query.endTime !== undefined) bound('created_at <=', new Date(query.endTime));
  const ascending = query.startTime !== undefined || query.fromId !== undefined;
  const { rows } = await db.query<OrderRow>({
    text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE account_id = $1 AND order_list_id > 0${where}
      ORDER BY order_list_id ${ascending ? 'ASC' : 'DESC'}, order_id ${ascending ? 'ASC' : 'DESC'} LIMIT $2`,
    values,
  });
  const orders = rows.map(toOrderRecord);
  return ascending ? orders : orders.reverse();
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_ORDER_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), MAX_ORDER_LIMIT);
}

function toOrderRecord(row: OrderRow): OrderRecord {
  return {
    orderId: Number(row.order_id),
    market: row.market,
    accountId: row.account_id,
    clientOrderId: row.client_order_id,
    side: row.side,
    orderType: row.order_type,
    timeInForce: row.time_in_force,
    postOnly: row.post_only,
    selfTradePrevention: row.self_trade_prevention,
    price: row.price,
    quantity: row.quantity,
    quoteQuantity: row.quote_quantity,
    filledQuantity: row.filled_quantity,
    filledQuote: row.filled_quote,
    status: row.status,
    reason: row.reason,
    createdAt: Number(row.created_ms),
    updatedAt: Number(row.updated_ms),
    seq: Number(row.seq),
    stopPrice: row.stop_price,
    trailingDelta: row.trailing_delta,
    workingTime: row.working_ms === null ? -1 : Number(row.working_ms),
    orderListId: Number(row.order_list_id),
    listClientOrderId: row.list_client_order_id,
  };
}
