import { type EngineCreateOrder, hasLimitPrice, type Market } from '@exchange/protocol';
import type { Balance } from './account.js';
import type { Order } from './order.js';

/**
 * What an order of `quantity` lots locks: a priced buy `price × quantity` of quote, a
 * priced sell its base; a market-type buy its quote amount, else all `available`
 * quote; a market-type sell its base, else all `available` base.
 */
export function fundsNeeded(
  o: Pick<EngineCreateOrder, 'side' | 'orderType' | 'price' | 'quoteQuantity'>,
  quantity: number,
  market: Market,
  available: number,
): number {
  const isBuy = o.side === 'BUY';
  if (hasLimitPrice(o.orderType)) {
    return isBuy ? o.price * quantity * market.quotePerTickLot : quantity * market.basePerLot;
  }
  if (isBuy) return o.quoteQuantity > 0 ? o.quoteQuantity : available;
  return quantity > 0 ? quantity * market.basePerLot : available;
}

/** The balance an order pays with. */
export function payOf(market: Market, order: Order): Balance {
  return order.account.balances[order.side === 'BUY' ? market.quote.index : market.base.index] as Balance;
}
