/**
 * The words of an order, shared by commands, events and every API face: sides, order
 * types, time in force, self-trade prevention, cancel-replace modes and the client
 * order id alphabet — Binance's spot vocabulary.
 */

export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/**
 * Binance's spot order types. The four stop and take-profit types wait, funds
 * locked, until the market's last trade price reaches their `stopPrice` (or
 * moves `trailingDelta` basis points against them); then a `…_LIMIT` type works
 * as a limit order at its `price`, the others as a market order.
 */
export const ORDER_TYPES = [
  'LIMIT',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** The order types that wait for a trigger. */
export const CONDITIONAL_ORDER_TYPES = [
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;

/** Is `type` a stop or take-profit type (one that waits for its trigger)? */
export function isConditional(type: OrderType): boolean {
  return type !== 'LIMIT' && type !== 'MARKET';
}

/** Does `type` carry a limit price (LIMIT and the `…_LIMIT` types)? */
export function hasLimitPrice(type: OrderType): boolean {
  return type === 'LIMIT' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
}

/**
 * An order's stop and list terms as events and read models carry them: each only where
 * it differs from a plain order's — no stop price, no trailing delta, working since it
 * was created, in no order list. Readers take a missing one as the plain order's. Most
 * orders are plain, and order events are most of the bytes the engine sends.
 */
export interface StopAndListTerms {
  readonly stopPrice: string | undefined;
  readonly trailingDelta: number | undefined;
  readonly workingTime: number | undefined;
  readonly orderListId: number | undefined;
  readonly listClientOrderId: string | undefined;
}

/**
 * The {@link StopAndListTerms} of an order created at `createdAt`, from all its terms
 * (a plain order's: `null`, 0, `createdAt`, -1, `null`). The keys are always there, set
 * or undefined, so every result has one shape; `JSON.stringify` leaves out the undefined.
 * @example stopAndListTerms(5, null, 0, 5, -1, null) // every term undefined
 */
export function stopAndListTerms(
  createdAt: number,
  stopPrice: string | null,
  trailingDelta: number,
  workingTime: number,
  orderListId: number,
  listClientOrderId: string | null,
): StopAndListTerms {
  return {
    stopPrice: stopPrice ?? undefined,
    trailingDelta: trailingDelta > 0 ? trailingDelta : undefined,
    workingTime: workingTime !== createdAt ? workingTime : undefined,
    orderListId: orderListId >= 0 ? orderListId : undefined,
    listClientOrderId: listClientOrderId ?? undefined,
  };
}

/** Binance's cancel-replace modes: give up on the new order when the cancel fails, or place it anyway. */
export const CANCEL_REPLACE_MODES = ['STOP_ON_FAILURE', 'ALLOW_FAILURE'] as const;
export type CancelReplaceMode = (typeof CANCEL_REPLACE_MODES)[number];

/** Good-till-cancelled, immediate-or-cancel, fill-or-kill. */
export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Binance's self-trade prevention modes; the default is `EXPIRE_MAKER`. */
export const STP_MODES = ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;
export type SelfTradePrevention = (typeof STP_MODES)[number];
export const DEFAULT_STP: SelfTradePrevention = 'EXPIRE_MAKER';

/** Binance's client order id alphabet and length. */
export const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
