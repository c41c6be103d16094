import { type EngineCreateOrder, hasLimitPrice, type Market, type RejectCode } from '@exchange/protocol';
import { isCount, MAX_UNITS } from './fixed-point.js';
import type { Order } from './order.js';
import { wouldFire } from './stop-book.js';

/** The market-filter verdict on an order's integers, before any funds are looked at. */
export function orderFilterCode(c: EngineCreateOrder, market: Market): RejectCode | null {
  if (c.side !== 'BUY' && c.side !== 'SELL') return 'INVALID_ORDER';
  const stp = c.selfTradePrevention;
  if (stp !== 'EXPIRE_MAKER' && stp !== 'EXPIRE_TAKER' && stp !== 'EXPIRE_BOTH') return 'INVALID_ORDER';
  const type = c.orderType;
  const stopPrice = c.stopPrice ?? 0;
  const trailingDelta = c.trailingDelta ?? 0;
  if (type === 'LIMIT' || type === 'MARKET') {
    if (stopPrice !== 0 || trailingDelta !== 0) return 'INVALID_ORDER';
  } else if (hasLimitPrice(type) || type === 'STOP_LOSS' || type === 'TAKE_PROFIT') {
    if (c.postOnly || (stopPrice === 0 && trailingDelta === 0)) return 'INVALID_ORDER';
    if (stopPrice !== 0 && !isCount(stopPrice, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (
      trailingDelta !== 0 &&
      !(isCount(trailingDelta, market.maxTrailingDelta) && trailingDelta >= market.minTrailingDelta)
    ) {
      return 'TRAILING_DELTA';
    }
  } else {
    return 'INVALID_ORDER';
  }
  if (hasLimitPrice(type)) {
    if (c.timeInForce !== 'GTC' && c.timeInForce !== 'IOC' && c.timeInForce !== 'FOK') return 'INVALID_ORDER';
    if (c.quoteQuantity !== 0 || (c.postOnly && c.timeInForce !== 'GTC')) return 'INVALID_ORDER';
    if (!isCount(c.price, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (!isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    const notional = c.price * c.quantity * market.quotePerTickLot;
    if (notional > MAX_UNITS) return 'MAX_NOTIONAL';
    if (notional < market.minNotional) return 'MIN_NOTIONAL';
  } else {
    if (c.price !== 0 || c.postOnly || c.timeInForce !== 'IOC') return 'INVALID_ORDER';
    if ((c.quantity === 0) === (c.quoteQuantity === 0)) return 'INVALID_ORDER';
    if (c.quantity !== 0 && !isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    if (c.quoteQuantity !== 0) {
      if (!Number.isInteger(c.quoteQuantity) || c.quoteQuantity < 0) return 'INVALID_ORDER';
      if (c.quoteQuantity > MAX_UNITS) return 'MAX_NOTIONAL';
      if (c.quoteQuantity < market.minNotional) return 'MIN_NOTIONAL';
    }
  }
  if (c.quantity * market.basePerLot > MAX_UNITS) return 'MAX_NOTIONAL';
  return null;
}

/** Does a price cross the opposite side's best price (a post-only order would take)? */
export function crosses(isBuy: boolean, price: number, oppositeBest: number): boolean {
  return isBuy ? price >= oppositeBest : price <= oppositeBest;
}

/** Would a stop order at `stopPrice` (0: a trailing stop without one) fire at once at the last price? */
export function stopFiresAt(
  order: Pick<Order, 'side' | 'orderType'>,
  stopPrice: number,
  last: number,
): boolean {
  return stopPrice > 0 && wouldFire(order, stopPrice, last);
}
