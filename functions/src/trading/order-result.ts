/**
 * The engine's replies read as results of trading calls. Pure.
 */
import type { Fill, OpenOrder, OrderEvent, Reply } from '@exchange/protocol';
import { rejectionError } from '../http/api.js';

/** An order in its latest known state, without whose it is (always the caller's). */
export type OrderView = Omit<OpenOrder, 'accountId'> & {
  /** When a command last changed it (ms). */
  readonly updatedAt: number;
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
    updatedAt: 'time' in event ? event.time : event.createdAt,
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
  const ok = accepted(reply, 'cancel');
  const order = ok.orders.at(-1);
  if (order === undefined) throw new Error(`reply ${reply.requestId} to CREATE_ORDER holds no order`);
  return { order: orderViewOf(order), fills: ok.fills.filter((f) => f.orderId === order.orderId) };
}

/**
 * The orders a cancel (one order, or all of a market) ended, in the engine's order.
 * @throws ApiError UNKNOWN_ORDER (-2011) when there was no such open order
 */
export function canceledOrdersOf(reply: Reply): OrderView[] {
  return accepted(reply, 'cancel').orders.map(orderViewOf);
}
