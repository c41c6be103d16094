/**
 * The engine's replies read as results of trading calls. Pure.
 */
import type { CancelReplaceOutcome, Fill, OpenOrder, OrderEvent, Reply } from '@exchange/protocol';
import { rejectionError } from '../http/api.js';

/** An order in its latest known state, without whose it is (always the caller's). */
export type OrderView = Omit<
  OpenOrder,
  'time' | 'accountId' | 'stopPrice' | 'trailingDelta' | 'workingTime' | 'orderListId' | 'listClientOrderId'
> & {
  /** When a command last changed it (ms). */
  readonly updatedAt: number;
  /** The trigger price of a stop or take-profit order; null when none. */
  readonly stopPrice: string | null;
  /** Basis points; 0 when the order does not trail. */
  readonly trailingDelta: number;
  /** When it started working (ms); -1 while a stop order waits for its trigger. */
  readonly workingTime: number;
  /** Its OCO list; -1 when none. */
  readonly orderListId: number;
  /** That list's client id; null when none. */
  readonly listClientOrderId: string | null;
};

/** An `ORDER` event as an {@link OrderView}. */
export function orderViewOf(event: OrderEvent | OpenOrder): OrderView {
  return {
    market: event.market,
    orderId: event.orderId,
    clientOrderId: event.clientOrderId,
    side: event.side,
    orderType: event.orderType,
    timeInForce: event.timeInForce,
    postOnly: event.postOnly,
    selfTradePrevention: event.selfTradePrevention,
    price: event.price,
    quantity: event.quantity,
    quoteQuantity: event.quoteQuantity,
    filledQuantity: event.filledQuantity,
    filledQuote: event.filledQuote,
    status: event.status,
    reason: event.reason,
    createdAt: event.createdAt,
    updatedAt: event.time,
    stopPrice: event.stopPrice ?? null,
    trailingDelta: event.trailingDelta ?? 0,
    workingTime: event.workingTime ?? event.createdAt,
    orderListId: event.orderListId ?? -1,
    listClientOrderId: event.listClientOrderId ?? null,
  };
}

/** An order an engine reply reports, with the fills it made. */
export interface PlacedOrder {
  readonly order: OrderView;
  /** This order's own fills in this command, in match order. */
  readonly fills: readonly Fill[];
}

/** The accepted reply, or the rejection as the API answers it. */
function accepted(reply: Reply, action: 'cancel' | 'query'): Extract<Reply, { ok: true }> {
  if (!reply.ok) throw rejectionError(reply.code, { action });
  return reply;
}

/**
 * The new order from the reply to a `CREATE_ORDER`: the last `ORDER` event (the taker's
 * final state comes after any of the same account's makers it matched).
 * @throws ApiError the engine's rejection (`INSUFFICIENT_FUNDS`, `WOULD_TAKE`, …)
 */
export function placedOrderOf(reply: Reply): PlacedOrder {
  return createdOrderOf(accepted(reply, 'cancel'));
}

/**
 * The order a command created, in its final state: the highest order id in the reply
 * (an order created now takes the newest id; stops the same account had waiting may
 * fire after it and come later in the reply), with its own fills.
 */
function createdOrderOf(ok: Extract<Reply, { ok: true }>): PlacedOrder {
  let order: OrderEvent | undefined;
  for (const event of ok.orders) if (order === undefined || event.orderId >= order.orderId) order = event;
  if (order === undefined) throw new Error(`reply ${ok.requestId} holds no created order`);
  const id = order.orderId;
  return { order: orderViewOf(order), fills: ok.fills.filter((f) => f.orderId === id) };
}

/** The latest state of each order in a reply, in the order each first appears. */
function latestOrders(ok: Extract<Reply, { ok: true }>): OrderView[] {
  const byId = new Map<number, OrderView>();
  for (const event of ok.orders) byId.set(event.orderId, orderViewOf(event));
  return [...byId.values()];
}

/** An OCO list as a reply reports it: its id and both orders (the `above` leg first). */
export interface OrderListView {
  readonly orderListId: number;
  /** The client's id for it; null for a list placed without one. */
  readonly listClientOrderId: string | null;
  readonly market: string;
  /** Creation time (ms). */
  readonly transactionTime: number;
  readonly orders: readonly OrderView[];
}

/**
 * The list a `CREATE_ORDER_LIST` placed (its id is the command's sequence).
 * @throws ApiError the engine's rejection (`ORDER_LIST_PRICES`, `WOULD_TRIGGER`, …)
 */
export function placedListOf(reply: Reply): OrderListView {
  const ok = accepted(reply, 'cancel');
  const orders = latestOrders(ok).filter((o) => o.orderListId === ok.seq);
  const first = orders[0];
  if (first === undefined) throw new Error(`reply ${reply.requestId} to CREATE_ORDER_LIST holds no order`);
  return listViewOf(ok.seq, first, orders);
}

/**
 * The orders a `CANCEL_ORDER_LIST` cancelled.
 * @throws ApiError UNKNOWN_ORDER_LIST (-2011) when there was no such open list
 */
export function canceledListOf(reply: Reply): OrderListView {
  if (!reply.ok) throw rejectionError(reply.code, { action: 'cancel' });
  const orders = latestOrders(reply);
  const first = orders[0];
  if (first === undefined) throw new Error(`reply ${reply.requestId} to CANCEL_ORDER_LIST holds no order`);
  return listViewOf(first.orderListId, first, orders);
}

/** A list's view from its orders (`first` the earliest of them). */
export function listViewOf(
  orderListId: number,
  first: OrderView,
  orders: readonly OrderView[],
): OrderListView {
  return {
    orderListId,
    listClientOrderId: first.listClientOrderId,
    market: first.market,
    transactionTime: first.createdAt,
    orders,
  };
}

/**
 * The order an `AMEND_ORDER` reduced (the reply's last order: an OCO sibling, reduced with
 * it, comes first), and its list's orders when it is in one.
 * @throws ApiError QUANTITY_INCREASE (-2038), UNKNOWN_ORDER (-2011), …
 */
export function amendedOrderOf(reply: Reply): { order: OrderView; list: OrderView[] } {
  const ok = accepted(reply, 'cancel');
  const orders = latestOrders(ok);
  const last = ok.orders.at(-1);
  if (last === undefined) throw new Error(`reply ${reply.requestId} to AMEND_ORDER holds no order`);
  const order = orderViewOf(last);
  return {
    order,
    list: order.orderListId > 0 ? orders.filter((o) => o.orderListId === order.orderListId) : [],
  };
}

/** What became of each half of a cancel-replace; a half that failed carries its reject code. */
export interface CancelReplaceResult {
  readonly outcome: CancelReplaceOutcome;
  /** The cancelled order (and its OCO sibling), when the cancel succeeded. */
  readonly canceled: readonly OrderView[];
  /** The new order, when it was placed. */
  readonly placed: PlacedOrder | undefined;
}

/**
 * A `CANCEL_REPLACE` reply, accepted (at least one half succeeded) or refused (neither did).
 * The cancelled orders are those the reply ends as `CANCELED` other than the new one.
 */
export function cancelReplaceOf(reply: Reply): CancelReplaceResult {
  const outcome = reply.cancelReplace ?? {
    cancelCode: reply.ok ? null : reply.code,
    orderCode: reply.ok ? null : 'NOT_ATTEMPTED',
  };
  if (!reply.ok) return { outcome, canceled: [], placed: undefined };
  const placed = outcome.orderCode === null ? createdOrderOf(reply) : undefined;
  const canceled =
    outcome.cancelCode === null
      ? latestOrders(reply).filter(
          (o) => o.orderId !== placed?.order.orderId && o.reason === 'CANCELED_BY_USER',
        )
      : [];
  return { outcome, canceled, placed };
}

/**
 * The orders a cancel (one order, or all of a market) ended, in the engine's order.
 * @throws ApiError UNKNOWN_ORDER (-2011) when there was no such open order
 */
export function canceledOrdersOf(reply: Reply): OrderView[] {
  return accepted(reply, 'cancel').orders.map(orderViewOf);
}
