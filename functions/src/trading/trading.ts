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
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CancelReplaceMode,
  type Fill,
  type Market,
  newRequestId,
  type OrderStatus,
} from '@exchange/protocol';
import { submitCommand } from '../engine-client/submit.js';
import {
  type FillQuery,
  fills,
  type OrderHistoryQuery,
  type OrderListQuery,
  type OrderRecord,
  orderById,
  orderHistory,
  orderListOrders,
} from '../history/index.js';
import { ApiError, rejectionError } from '../http/api.js';
import { marketRegistry } from '../markets.js';
import { balancesOf, openOrdersOf } from '../read-models/read-models.js';
import { orderByClientId } from './order-lookup.js';
import {
  type LegFieldNames,
  type OrderFieldNames,
  type OrderListRequest,
  type OrderRequest,
  type RefFieldNames,
  toAmendOrderCommand,
  toCancelOrderCommand,
  toCancelOrderListCommand,
  toCancelReplaceCommand,
  toCreateOrderCommand,
  toCreateOrderListCommand,
} from './order-request.js';
import {
  amendedOrderOf,
  type CancelReplaceResult,
  canceledListOf,
  canceledOrdersOf,
  cancelReplaceOf,
  listViewOf,
  type OrderListView,
  type OrderView,
  orderViewOf,
  type PlacedOrder,
  placedListOf,
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
  fields?: RefFieldNames,
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
  const lookUp = () =>
    ref.orderId !== undefined
      ? orderById(accountId, ref.orderId)
      : orderByClientId(accountId, market.symbol, ref.clientOrderId ?? '');
  let record = await lookUp();
  // Not open any more, yet the history still shows it working: it ended a moment ago
  // and the DB processor has not written that yet. Its next write is awaited, bounded.
  for (
    const deadline = Date.now() + HISTORY_CATCH_UP_MS;
    record !== undefined && isWorking(record.status);
  ) {
    if (Date.now() >= deadline) break;
    await sleep(HISTORY_POLL_MS);
    record = await lookUp();
  }
  if (record === undefined || record.market !== market.symbol)
    throw rejectionError('UNKNOWN_ORDER', { action: 'query' });
  return fromRecord(record);
}

/** How long a query waits for the history to show an order's end that the read model already shows. */
const HISTORY_CATCH_UP_MS = 2_000;
const HISTORY_POLL_MS = 50;

function isWorking(status: OrderStatus): boolean {
  return status === 'NEW' || status === 'PARTIALLY_FILLED';
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
  const model = await balancesOf(accountId, marketRegistry().assets);
  return model.balances;
}

/** The account's fills, oldest first (PostgreSQL; a fill shows once the DB processor wrote it). */
export function accountFills(accountId: string, query: FillQuery = {}): Promise<Fill[]> {
  return fills(accountId, query, undefined, marketRegistry());
}

/**
 * Places an OCO list; the list and each leg without a client id get one, so a 202 can name them.
 * @throws ApiError for invalid input and engine rejections (`ORDER_LIST_PRICES`, `WOULD_TRIGGER` …)
 */
export async function placeOrderList(
  accountId: string,
  request: OrderListRequest,
  fields?: LegFieldNames,
): Promise<OrderListView | Pending> {
  const named: OrderListRequest = {
    ...request,
    listClientOrderId: request.listClientOrderId ?? newClientOrderId(),
    above: { ...request.above, clientOrderId: request.above.clientOrderId ?? newClientOrderId() },
    below: { ...request.below, clientOrderId: request.below.clientOrderId ?? newClientOrderId() },
  };
  const out = await submitCommand(toCreateOrderListCommand(accountId, newRequestId(), named, fields));
  return out.status === 'pending' ? out : placedListOf(out.reply);
}

/**
 * Cancels both orders of an open OCO list.
 * @throws ApiError UNKNOWN_ORDER_LIST (-2011)
 */
export async function cancelOrderList(
  accountId: string,
  market: Market,
  ref: { readonly orderListId?: number | undefined; readonly listClientOrderId?: string | undefined },
  fields?: RefFieldNames,
): Promise<OrderListView | Pending> {
  const out = await submitCommand(toCancelOrderListCommand(accountId, newRequestId(), market, ref, fields));
  return out.status === 'pending' ? out : canceledListOf(out.reply);
}

/**
 * Reduces an open order's quantity, keeping its place in the queue; the amended order
 * and, when it is in an OCO list, the list's orders.
 * @throws ApiError QUANTITY_INCREASE (-2038), UNKNOWN_ORDER (-2011)
 */
export async function amendOrder(
  accountId: string,
  market: Market,
  ref: OrderRef,
  change: { readonly quantity: string; readonly newClientOrderId?: string | undefined },
  fields?: RefFieldNames & { readonly quantity: string },
): Promise<{ order: OrderView; list: OrderView[] } | Pending> {
  const out = await submitCommand(
    toAmendOrderCommand(accountId, newRequestId(), market, ref, change, fields),
  );
  return out.status === 'pending' ? out : amendedOrderOf(out.reply);
}

/**
 * Cancels one order and places another in one engine command. Never throws for an engine
 * refusal: the result says what became of each half (the faces answer 200, 400 or 409).
 * @throws ApiError for invalid input, before anything is queued
 */
export async function cancelReplaceOrder(
  accountId: string,
  mode: CancelReplaceMode,
  cancel: OrderRef,
  request: OrderRequest,
  fields?: OrderFieldNames,
  refFields?: RefFieldNames,
): Promise<(CancelReplaceResult & { readonly status: 'done' }) | Pending> {
  const clientOrderId = request.clientOrderId ?? newClientOrderId();
  const command = toCancelReplaceCommand(
    accountId,
    newRequestId(),
    mode,
    cancel,
    { ...request, clientOrderId },
    fields,
    refFields,
  );
  const out = await submitCommand(command);
  return out.status === 'pending' ? out : { status: 'done', ...cancelReplaceOf(out.reply) };
}

/** The account's OCO lists whose two orders are both still open, in one market when given. */
export async function openOrderLists(accountId: string, market?: Market): Promise<OrderListView[]> {
  return listsOf(await openOrders(accountId, market)).filter((l) => l.orders.length === 2);
}

/** Identifies one OCO list of an account: its id or its client id. */
export interface OrderListRef {
  readonly orderListId?: number | undefined;
  readonly listClientOrderId?: string | undefined;
}

/**
 * One OCO list of the account, by id or client id (the latest with it): open (Redis),
 * else from the order history.
 * @throws ApiError MISSING_PARAMETER without either id; UNKNOWN_ORDER_LIST (-2013)
 */
export async function findOrderList(
  accountId: string,
  ref: OrderListRef,
  fields: RefFieldNames = { orderId: 'orderListId', clientOrderId: 'listClientOrderId' },
): Promise<OrderListView> {
  const { orderListId, listClientOrderId } = ref;
  if (orderListId === undefined && listClientOrderId === undefined) {
    throw new ApiError('MISSING_PARAMETER', { field: fields.orderId });
  }
  const matches = (l: OrderListView) =>
    orderListId !== undefined ? l.orderListId === orderListId : l.listClientOrderId === listClientOrderId;
  const open = listsOf(await openOrders(accountId)).find(matches);
  if (open?.orders.length === 2) return open;
  const query = orderListId !== undefined ? { orderListId } : { listClientOrderId, limit: 1 };
  const [list] = listsOf((await orderListOrders(accountId, query)).map(fromRecord)).filter(matches);
  if (list === undefined) throw rejectionError('UNKNOWN_ORDER_LIST', { action: 'query' });
  return list;
}

/** The account's OCO lists, open and ended, oldest first (PostgreSQL). */
export async function orderListHistory(
  accountId: string,
  query: OrderListQuery = {},
): Promise<OrderListView[]> {
  return listsOf((await orderListOrders(accountId, query)).map(fromRecord));
}

/** Orders grouped by their OCO list, lists in order of first appearance, orders by id. */
function listsOf(orders: readonly OrderView[]): OrderListView[] {
  const lists = new Map<number, OrderView[]>();
  for (const order of orders) {
    if (order.orderListId <= 0) continue;
    const held = lists.get(order.orderListId);
    if (held === undefined) lists.set(order.orderListId, [order]);
    else held.push(order);
  }
  return [...lists].map(([orderListId, members]) => {
    const sorted = members.sort((a, b) => a.orderId - b.orderId);
    return listViewOf(orderListId, sorted[0] as OrderView, sorted);
  });
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
    stopPrice: r.stopPrice,
    trailingDelta: r.trailingDelta,
    workingTime: r.workingTime,
    orderListId: r.orderListId,
    listClientOrderId: r.listClientOrderId,
  };
}
