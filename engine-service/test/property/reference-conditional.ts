/**
 * The reference model's pure rules for stop and take-profit orders and OCO lists,
 * read off the spec in `src/core/README.md`: which way a stop fires, where a
 * trailing stop fires, which waiting order fires next, and the OCO shape.
 */
import type {
  EngineCreateOrder,
  EngineCreateOrderList,
  EngineOrderListLeg,
  OrderType,
  RejectCode,
  Side,
} from '@exchange/protocol';

/** At most this many orders fire in one command (the spec's `MAX_TRIGGERS_PER_COMMAND`). */
export const MAX_TRIGGERS_PER_COMMAND = 1_000;

/** A waiting order as the trigger rules see it. */
export interface WaitingTerms {
  readonly orderId: number;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly stopPrice: number;
  readonly trailingDelta: number;
  /** A trailing stop that is following the price. */
  readonly tracking: boolean;
  /** The highest (sell) or lowest (buy) last price it has followed; 0 before the first. */
  readonly reference: number;
}

/** A stop-loss sell and a take-profit buy fire when the price falls to them; the others on a rise. */
export function firesOnFall(o: Pick<WaitingTerms, 'side' | 'orderType'>): boolean {
  const stopLoss = o.orderType === 'STOP_LOSS' || o.orderType === 'STOP_LOSS_LIMIT';
  return stopLoss ? o.side === 'SELL' : o.side === 'BUY';
}

/** Has the last trade price reached the order's stop price (never before a first trade)? */
export function reachesStop(
  o: Pick<WaitingTerms, 'side' | 'orderType'>,
  stopPrice: number,
  last: number,
): boolean {
  if (last === 0 || stopPrice === 0) return false;
  return firesOnFall(o) ? last <= stopPrice : last >= stopPrice;
}

/** A tracking trailing stop takes a last price into its reference: a sell keeps the highest, a buy the lowest. */
export function followed(o: Pick<WaitingTerms, 'side' | 'reference'>, last: number): number {
  if (o.reference === 0) return last;
  return o.side === 'SELL' ? Math.max(o.reference, last) : Math.min(o.reference, last);
}

/** Where a tracking trailing stop fires: δ bps below its reference (sell, rounded down) or above (buy, up). */
export function trailingTrigger(o: Pick<WaitingTerms, 'side' | 'reference' | 'trailingDelta'>): number {
  const scaled =
    BigInt(o.reference) * BigInt(o.side === 'SELL' ? 10_000 - o.trailingDelta : 10_000 + o.trailingDelta);
  const whole = scaled / 10_000n;
  return Number(o.side === 'SELL' || scaled % 10_000n === 0n ? whole : whole + 1n);
}

/** A waiting order that fires at `last`, with its trigger price and the direction that fired it. */
interface Due<T> {
  order: T;
  price: number;
  onFall: boolean;
}

function due<T extends WaitingTerms>(o: T, last: number): Due<T> | null {
  if (o.trailingDelta > 0) {
    if (!o.tracking || o.reference === 0) return null;
    const price = trailingTrigger(o);
    const onFall = o.side === 'SELL';
    return (onFall ? last <= price : last >= price) ? { order: o, price, onFall } : null;
  }
  return reachesStop(o, o.stopPrice, last) ? { order: o, price: o.stopPrice, onFall: firesOnFall(o) } : null;
}

/**
 * The waiting order that fires next at the last price, if any: those fired by a fall
 * first, highest trigger price first; then those fired by a rise, lowest first;
 * lowest order id first within a price.
 */
export function nextToFire<T extends WaitingTerms>(waiting: readonly T[], last: number): T | undefined {
  const fired = waiting.map((o) => due(o, last)).filter((d): d is Due<T> => d !== null);
  fired.sort((a, b) => {
    if (a.onFall !== b.onFall) return a.onFall ? -1 : 1;
    if (a.price !== b.price) return a.onFall ? b.price - a.price : a.price - b.price;
    return a.order.orderId - b.order.orderId;
  });
  return fired[0]?.order;
}

/**
 * The OCO shape: each leg a limit maker or a stop type, not two limit makers; a sell
 * has the limit maker or take-profit above and the stop-loss below, a buy the other
 * way round (`INVALID_ORDER`); where both legs have a reference price (a limit
 * maker's price, else its stop price), above's must be higher (`ORDER_LIST_PRICES`).
 */
export function listShapeVerdict(c: EngineCreateOrderList): RejectCode | null {
  const limitMaker = (l: EngineOrderListLeg): boolean => l.orderType === 'LIMIT' && l.postOnly;
  const profit = (l: EngineOrderListLeg): boolean =>
    limitMaker(l) || l.orderType === 'TAKE_PROFIT' || l.orderType === 'TAKE_PROFIT_LIMIT';
  const loss = (l: EngineOrderListLeg): boolean =>
    l.orderType === 'STOP_LOSS' || l.orderType === 'STOP_LOSS_LIMIT';
  if (limitMaker(c.above) && limitMaker(c.below)) return 'INVALID_ORDER';
  const shaped = c.side === 'SELL' ? profit(c.above) && loss(c.below) : loss(c.above) && profit(c.below);
  if (!shaped) return 'INVALID_ORDER';
  const reference = (l: EngineOrderListLeg): number => (limitMaker(l) ? l.price : l.stopPrice);
  const [above, below] = [reference(c.above), reference(c.below)];
  if (above > 0 && below > 0 && above <= below) return 'ORDER_LIST_PRICES';
  return null;
}

/** A leg as the order it is: the list's account, market, side, quantity and self-trade prevention. */
export function legOrder(c: EngineCreateOrderList, leg: EngineOrderListLeg): EngineCreateOrder {
  return {
    type: 'CREATE_ORDER',
    accountId: c.accountId,
    market: c.market,
    side: c.side,
    orderType: leg.orderType,
    timeInForce: leg.timeInForce,
    postOnly: leg.postOnly,
    price: leg.price,
    quantity: c.quantity,
    quoteQuantity: 0,
    clientOrderId: leg.clientOrderId,
    selfTradePrevention: c.selfTradePrevention,
    stopPrice: leg.stopPrice,
    trailingDelta: leg.trailingDelta,
  };
}
