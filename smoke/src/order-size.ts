/**
 * The smoke test's order: a post-only buy at the market's lowest price, of the smallest
 * quantity whose value reaches the minimum order value. It rests far below any seller, so
 * it neither takes nor is likely to be taken before it is cancelled, and it locks only
 * about `minNotional` of quote. Exact: decimal strings and integers, no floating point.
 */
import { formatUnits, gridOf, parseOnGrid, parseUnits } from '@exchange/protocol';

/** The parts of a symbol's `exchangeInfo` filters the order must satisfy. */
export interface OrderFilters {
  readonly tickSize: string;
  readonly minPrice: string;
  readonly stepSize: string;
  readonly minQty: string;
  readonly maxQty: string;
  readonly minNotional: string;
}

export interface SmokeOrder {
  readonly price: string;
  readonly quantity: string;
  /** `price × quantity`, what the order locks of the quote asset. */
  readonly notional: string;
}

/** `a / b` rounded up, for positive integers. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The smallest resting buy the filters allow.
 * @example
 * smokeOrder({ tickSize: '0.01', minPrice: '0.01', stepSize: '0.001', minQty: '0.001',
 *              maxQty: '1000000', minNotional: '1' });
 * // { price: '0.01', quantity: '100.000', notional: '1.00000' }
 * @throws Error when no quantity within `maxQty` reaches `minNotional` at that price
 */
export function smokeOrder(filters: OrderFilters): SmokeOrder {
  const tick = gridOf(filters.tickSize);
  const step = gridOf(filters.stepSize);
  const minTicks =
    parseUnits(filters.minPrice, tick.decimals) === 0 ? 1 : parseOnGrid(filters.minPrice, tick);
  const priceUnits = BigInt(minTicks) * BigInt(tick.mantissa); // of 10^-tick.decimals
  const stepUnits = BigInt(step.mantissa); // of 10^-step.decimals
  const notionalDecimals = tick.decimals + step.decimals;
  // Steps whose value at `price` reaches minNotional: steps × stepUnits × priceUnits ≥ minNotional.
  const minNotionalUnits = BigInt(parseUnits(filters.minNotional, notionalDecimals));
  const byNotional = ceilDiv(minNotionalUnits, stepUnits * priceUnits);
  const byQty = ceilDiv(BigInt(parseUnits(filters.minQty, step.decimals)), stepUnits);
  // biome-ignore lint/complexity/useMathMinMax: Math.max does not take BigInt
  const steps = byNotional > byQty ? byNotional : byQty;
  const quantityUnits = steps * stepUnits;
  if (quantityUnits > BigInt(parseUnits(filters.maxQty, step.decimals)))
    throw new Error(
      `no quantity up to ${filters.maxQty} reaches ${filters.minNotional} at ${formatUnits(priceUnits, tick.decimals)}`,
    );
  return {
    price: formatUnits(priceUnits, tick.decimals),
    quantity: formatUnits(quantityUnits, step.decimals),
    notional: formatUnits(quantityUnits * priceUnits, notionalDecimals),
  };
}
