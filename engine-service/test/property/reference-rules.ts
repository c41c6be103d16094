/**
 * The reference model's pure rules for one order, read off the spec in
 * `src/core/README.md`: the market filters in the spec's order, what an order
 * locks, fees and whole-lot bounds. Every amount that could leave the safe range is
 * checked in BigInt.
 */
import {
  type EngineCreateOrder,
  hasLimitPrice,
  isConditional,
  type Market,
  type RejectCode,
} from '@exchange/protocol';

export const MAX_UNITS = 2n ** 53n - 1n;

/** The terms that decide what an order locks. */
type LockTerms = Pick<EngineCreateOrder, 'side' | 'orderType' | 'price' | 'quoteQuantity'>;

/** Does the order match as a market order (`MARKET`, `STOP_LOSS`, `TAKE_PROFIT`)? */
export function worksAsMarket(orderType: EngineCreateOrder['orderType']): boolean {
  return !hasLimitPrice(orderType);
}

/**
 * The market filters, in the spec's order: stop terms first (on a type that takes
 * none, a stop type without any or post-only, then the stop price and the trailing
 * delta), then the filters of the order it works as: a bad combination, price,
 * lots, values past 2^53−1, values under the minimum notional.
 */
export function filterVerdict(c: EngineCreateOrder, market: Market): RejectCode | null {
  const stopPrice = c.stopPrice ?? 0;
  const trailingDelta = c.trailingDelta ?? 0;
  if (!isConditional(c.orderType)) {
    if (stopPrice !== 0 || trailingDelta !== 0) return 'INVALID_ORDER';
  } else {
    if (c.postOnly || (stopPrice === 0 && trailingDelta === 0)) return 'INVALID_ORDER';
    if (stopPrice !== 0 && !inRange(stopPrice, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (
      trailingDelta !== 0 &&
      !(
        Number.isInteger(trailingDelta) &&
        trailingDelta >= market.minTrailingDelta &&
        trailingDelta <= market.maxTrailingDelta
      )
    ) {
      return 'TRAILING_DELTA';
    }
  }
  const isLimit = !worksAsMarket(c.orderType);
  const badCombination = isLimit
    ? c.quoteQuantity !== 0 || (c.postOnly && c.timeInForce !== 'GTC')
    : c.price !== 0 ||
      c.postOnly ||
      c.timeInForce !== 'IOC' ||
      (c.quantity !== 0) === (c.quoteQuantity !== 0);
  if (badCombination) return 'INVALID_ORDER';
  if (isLimit && !inRange(c.price, market.maxPriceTicks)) return 'PRICE_FILTER';
  if ((isLimit || c.quantity !== 0) && !inRange(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
  if (!isLimit && c.quoteQuantity !== 0 && !(Number.isInteger(c.quoteQuantity) && c.quoteQuantity > 0)) {
    return 'INVALID_ORDER';
  }
  const notional = isLimit
    ? BigInt(c.price) * BigInt(c.quantity) * BigInt(market.quotePerTickLot)
    : BigInt(c.quoteQuantity);
  const base = BigInt(c.quantity) * BigInt(market.basePerLot);
  if (notional > MAX_UNITS || base > MAX_UNITS) return 'MAX_NOTIONAL';
  if ((isLimit || c.quoteQuantity !== 0) && notional < BigInt(market.minNotional)) return 'MIN_NOTIONAL';
  return null;
}

/**
 * The spec's funds locking for an order of `quantity` lots, in the paying asset: a
 * priced buy `price × quantity × quotePerTickLot`, a priced sell its base; a
 * market-type buy its quote amount or else all `available` quote; a market-type sell
 * its base or else all `available` base.
 */
export function lockFor(o: LockTerms, quantity: number, market: Market, available: number): number {
  const isBuy = o.side === 'BUY';
  if (!worksAsMarket(o.orderType)) {
    return isBuy ? o.price * quantity * market.quotePerTickLot : quantity * market.basePerLot;
  }
  if (isBuy) return o.quoteQuantity > 0 ? o.quoteQuantity : available;
  return quantity > 0 ? quantity * market.basePerLot : available;
}

/** The asset an order of this side pays with. */
export function payAsset(side: EngineCreateOrder['side'], market: Market): string {
  return side === 'BUY' ? market.quote.symbol : market.base.symbol;
}

/** `⌈amount × bps / 10000⌉`. */
export function feeUp(amount: number, bps: number): number {
  return Number((BigInt(amount) * BigInt(bps) + 9_999n) / 10_000n);
}

/** `⌊amount / unit⌋`. */
export function wholeTimes(amount: number, unit: number): number {
  return Number(BigInt(amount) / BigInt(unit));
}

export function inRange(x: number, max: number): boolean {
  return Number.isInteger(x) && x >= 1 && x <= max;
}

export function isAmount(x: number): boolean {
  return Number.isInteger(x) && x >= 1 && BigInt(x) <= MAX_UNITS;
}
