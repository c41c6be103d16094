/**
 * Trading, once for both faces: place, cancel and cancel-all go to the engine through
 * `orders.fifo` and wait (bounded) for its reply; reads come from the engine's Redis
 * read models (balances, open orders) and PostgreSQL (order history, fills).
 *
 * Every call takes the caller's account id and touches only that account: the engine
 * refuses to cancel another account's order (`UNKNOWN_ORDER`), and every read is keyed
 * or filtered by the account.
 */
import { randomBytes } from 'node:crypto';
import type { Fill, Market, OrderStatus } from '@exchange/protocol';
import { newRequestId, submitCommand } from '../engine-client/submit.js';
import {
  type FillQuery,
  fills,
  type OrderHistoryQuery,
  type OrderRecord,
  orderById,
  orderHistory,
} from '../history/index.js';
import { rejectionError } from '../http/api.js';
import { balancesOf, openOrdersOf } from '../read-models/read-models.js';
import { registry } from './markets.js';
import { orderByClientId } from './order-lookup.js';
import {
  type OrderFieldNames,
  type OrderRequest,
  toCancelOrderCommand,
  toCreateOrderCommand,
} from './order-request.js';
import {
  canceledOrdersOf,
  type OrderView,
  orderViewOf,
  type PlacedOrder,
  placedOrderOf,
} from './order-result.js';

/** The engine did not answer within `REPLY_TIMEOUT_MS`; the command is still processed exactly once. */
export interface Pending {
  readonly status: 'pending';
  readonly requestId: string;
}

/** An order placed: the engine's answer, or pending with the ids to look it up by later. */
export type PlaceOutcome =
  | ({ readonly status: 'done' } & PlacedOrder)
  | (Pending & { readonly market: string; readonly clientOrderId: string });

/** Identifies one order of an account: the engine's id or the client's. */
export interface OrderRef {
  readonly orderId?: number | undefined;
  readonly clientOrderId?: string | undefined;
}

/**
 * A client order id for an order sent without one, so that a 202 can name it:
 * `x-` and 24 letters and digits (Binance's alphabet, 26 of its 36 characters).
 */
export function newClientOrderId(): string {
  return `x-${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 24)}`;
}

/**
 * Places an order: validated at the edge, enqueued, answered with the engine's reply.
 * @throws ApiError for invalid input (before anything is queued) and engine rejections
 */
export async function placeOrder(
  accountId: string,
  request: OrderRequest,
  fields?: OrderFieldNames,
): Promise<PlaceOutcome> {
  const clientOrderId = request.clientOrderId ?? newClientOrderId();
  const command = toCreateOrderCommand(accountId, newRequestId(), { ...request, clientOrderId }, fields);
  const out = await submitCommand(command);
  if (out.status === 'pending') {
    return { status: 'pending', requestId: out.requestId, market: command.market, clientOrderId };
  }
  return { status: 'done', ...placedOrderOf(out.reply) };
}

/**
 * Validates an order as {@link placeOrder} would, without sending it (`/api/v3/order/test`).
 * @throws ApiError as {@link placeOrder} before enqueueing
 */
export function testOrder(accountId: string, request: OrderRequest, fields?: OrderFieldNames): void {
  toCreateOrderCommand(accountId, newRequestId(), request, fields);
}

/**
 * Cancels one open order of the account.
 * @throws ApiError UNKNOWN_ORDER (also for another account's order)
 */
export async function cancelOrder(
  accountId: string,
  market: Market,
  ref: OrderRef,
  fields?: { readonly orderId: string; readonly clientOrderId: string },
): Promise<OrderView | Pending> {
  const out = await submitCommand(toCancelOrderCommand(accountId, newRequestId(), market, ref, fields));
  if (out.status === 'pending') return out;
  const [order] = canceledOrdersOf(out.reply);
  if (order === undefined) throw new Error(`reply ${out.reply.requestId} to CANCEL_ORDER holds no order`);
  return order;
}

/** Cancels every open order of the account in `market`; the cancelled orders, possibly none. */
export async function cancelAllOrders(accountId: string, market: Market): Promise<OrderView[] | Pending> {
  const out = await submitCommand({
    type: 'CANCEL_ALL',
    requestId: newRequestId(),
    accountId,
    market: market.symbol,
  });
  return out.status === 'pending' ? out : canceledOrdersOf(out.reply);
}

/** The account's resting orders, oldest first; in one market when given. */
export async function openOrders(accountId: string, market?: Market): Promise<OrderView[]> {
  const { orders } = await openOrdersOf(accountId);
  return (market === undefined ? orders : orders.filter((o) => o.market === market.symbol)).map(orderViewOf);
}

/** One order of the account, open or ended (Redis first: it is never behind the engine's reply). */
export async function findOrder(accountId: string, market: Market, ref: OrderRef): Promise<OrderView> {
  const open = (await openOrders(accountId, market)).find((o) =>
    ref.orderId !== undefined ? o.orderId === ref.orderId : o.clientOrderId === ref.clientOrderId,
  );
  if (open !== undefined) return open;
  const record =
    ref.orderId !== undefined
      ? await orderById(accountId, ref.orderId)
      : await orderByClientId(accountId, market.symbol, ref.clientOrderId ?? '');
  if (record === undefined || record.market !== market.symbol)
    throw rejectionError('UNKNOWN_ORDER', { action: 'query' });
  return fromRecord(record);
}

/**
 * The account's orders, open and ended, in placement order (PostgreSQL: an order shows
 * once the DB processor wrote it): from `fromOrderId` or `startTime`, else the newest `limit`.
 */
export async function orderHistoryOf(accountId: string, query: OrderHistoryQuery = {}): Promise<OrderView[]> {
  return (await orderHistory(accountId, query)).map(fromRecord);
}

/** The account's balance of every asset (zero for assets it never held). */
export async function balances(
  accountId: string,
): Promise<{ readonly asset: string; readonly available: string; readonly locked: string }[]> {
  const model = await balancesOf(accountId, registry().assets);
  return model.balances;
}

/** The account's fills, oldest first (PostgreSQL; a fill shows once the DB processor wrote it). */
export function accountFills(accountId: string, query: FillQuery = {}): Promise<Fill[]> {
  return fills(accountId, query, undefined, registry());
}

function fromRecord(r: OrderRecord): OrderView {
  return {
    market: r.market,
    orderId: r.orderId,
    clientOrderId: r.clientOrderId,
    side: r.side,
    orderType: r.orderType,
    timeInForce: r.timeInForce,
    postOnly: r.postOnly,
    selfTradePrevention: r.selfTradePrevention,
    price: r.price,
    quantity: r.quantity,
    quoteQuantity: r.quoteQuantity,
    filledQuantity: r.filledQuantity,
    filledQuote: r.filledQuote,
    status: r.status as OrderStatus,
    reason: r.reason as OrderView['reason'],
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
