/**
 * The order form's rules, checked as the user types, exactly as the exchange checks
 * them: prices (and a stop-limit's stop price) on the tick grid, amounts on the step grid, the minimum order value,
 * the maxima, and the balance the order would lock. Totals and fees are exact decimal
 * strings. Pure: no I/O.
 *
 * @example
 * const check = validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '100.5', amount: '2' }, balances);
 * check.ok;        // true
 * check.total;     // '201.00000'
 * check.fee;       // '0.004' (SOL: a buyer pays the fee in what it receives)
 */
import { fromUnits, toUnits, trimZeros } from './decimal';

/** The market fields the form checks against (`GET /api/v1/markets`). */
export interface FormMarket {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minNotional: string;
  readonly maxPrice: string;
  readonly maxQuantity: string;
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  readonly basePrecision: number;
  readonly quotePrecision: number;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
}

export type Side = 'BUY' | 'SELL';
/** The form's order types: the two stop types are priced (`…_LIMIT`) and wait for `stopPrice`. */
export type FormType = 'LIMIT' | 'MARKET' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT_LIMIT';

/** Does the form's type wait for a stop price? */
export function isStopType(type: FormType): boolean {
  return type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
}

/** Does the form's type carry a limit price (all but market)? */
export function isPriced(type: FormType): boolean {
  return type !== 'MARKET';
}

export interface OrderInput {
  readonly side: Side;
  readonly type: FormType;
  /** Ignored for market orders. */
  readonly price: string;
  /** The trigger price of the stop types; ignored for the others. */
  readonly stopPrice?: string;
  readonly amount: string;
  readonly postOnly?: boolean;
  readonly ioc?: boolean;
}

/** Available balances by asset, as decimal strings. */
export type Available = Readonly<Record<string, string | undefined>>;

export interface FieldErrors {
  price?: string;
  stopPrice?: string;
  amount?: string;
  total?: string;
}

export interface OrderCheck {
  /** Whether the order may be sent. */
  readonly ok: boolean;
  readonly errors: FieldErrors;
  /** price × amount, exact (limit orders with both fields valid). */
  readonly total: string | undefined;
  /** The most the order can pay in fees, exact, in `feeAsset`. */
  readonly fee: string | undefined;
  readonly feeAsset: string;
  /** The fee rate used: maker for post-only, else taker, as a percentage string (`0.2`). */
  readonly feePercent: string;
}

/** What a price or amount field accepts while typing: digits and at most one dot. */
export const NUMERIC_INPUT = /^\d*\.?\d*$/;

/** Whether a keystroke's result may stay in a numeric field at all. */
export function acceptsInput(text: string): boolean {
  return NUMERIC_INPUT.test(text);
}

/**
 * Why a value is not on a grid, or undefined when it is. Empty means "not entered yet"
 * and is reported as such.
 */
export function gridError(
  label: string,
  text: string,
  step: string,
  precision: number,
  max: string,
): string | undefined {
  if (text === '' || text === '.')
    return `Enter ${label === 'Amount' ? 'an amount' : `a ${label.toLowerCase()}`}`;
  if (!NUMERIC_INPUT.test(text)) return `${label} must be a number`;
  const value = toUnits(text.endsWith('.') ? text.slice(0, -1) : text, precision);
  if (value === undefined) return `${label} has at most ${precision} decimal${precision === 1 ? '' : 's'}`;
  const stepUnits = toUnits(step, precision) as bigint;
  if (value === 0n) return `${label} must be above zero`;
  if (value % stepUnits !== 0n) return `${label} must be a multiple of ${trimZeros(step)}`;
  if (value > (toUnits(max, precision) ?? value)) return `${label} must be at most ${trimZeros(max)}`;
  return undefined;
}

/** Checks an order against its market and the available balance. */
export function validateOrder(market: FormMarket, input: OrderInput, available: Available): OrderCheck {
  const errors: FieldErrors = {};
  const pd = market.pricePrecision;
  const qd = market.quantityPrecision;
  const feeBps = input.type === 'LIMIT' && input.postOnly ? market.makerFeeBps : market.takerFeeBps;
  const feeAsset = input.side === 'BUY' ? market.base : market.quote;
  const feePercent = trimZeros(fromUnits(BigInt(feeBps), 2));

  const priced = isPriced(input.type);
  if (priced) {
    const priceError = gridError('Price', input.price, market.tickSize, pd, market.maxPrice);
    if (priceError !== undefined) errors.price = priceError;
  }
  if (isStopType(input.type)) {
    const stopError = gridError('Stop price', input.stopPrice ?? '', market.tickSize, pd, market.maxPrice);
    if (stopError !== undefined) errors.stopPrice = stopError;
  }
  const amountError = gridError('Amount', input.amount, market.stepSize, qd, market.maxQuantity);
  if (amountError !== undefined) errors.amount = amountError;

  let total: string | undefined;
  let fee: string | undefined;
  if (errors.amount === undefined) {
    const lots = toUnits(clean(input.amount), qd) as bigint;
    const baseBalance = toUnits(available[market.base] ?? '0', Math.max(qd, market.basePrecision)) ?? 0n;
    if (
      input.side === 'SELL' &&
      lots * 10n ** BigInt(Math.max(qd, market.basePrecision) - qd) > baseBalance
    ) {
      errors.amount = `Insufficient ${market.base}: ${trimZeros(available[market.base] ?? '0')} available`;
    }
    if (input.side === 'BUY') fee = fromUnits(lots * BigInt(feeBps), qd + 4);
    if (priced && errors.price === undefined) {
      const ticks = toUnits(clean(input.price), pd) as bigint;
      const totalUnits = ticks * lots; // at pd + qd decimals
      total = fromUnits(totalUnits, pd + qd);
      if (input.side === 'SELL') fee = fromUnits(totalUnits * BigInt(feeBps), pd + qd + 4);
      const minNotional = toUnits(market.minNotional, pd + qd) ?? 0n;
      if (totalUnits < minNotional) {
        errors.total = `Total must be at least ${trimZeros(market.minNotional)} ${market.quote}`;
      } else if (input.side === 'BUY') {
        const scale = Math.max(pd + qd, market.quotePrecision);
        const quoteBalance = toUnits(available[market.quote] ?? '0', scale) ?? 0n;
        if (totalUnits * 10n ** BigInt(scale - pd - qd) > quoteBalance) {
          errors.total = `Insufficient ${market.quote}: ${trimZeros(available[market.quote] ?? '0')} available`;
        }
      }
    }
  }
  if (input.type === 'LIMIT' && input.postOnly && input.ioc) {
    errors.total = 'Post-only and IOC cannot be combined';
  }
  return {
    ok: Object.keys(errors).length === 0,
    errors,
    total: total === undefined ? undefined : trimTo(total, pd),
    fee: fee === undefined ? undefined : trimTo(fee, 0),
    feeAsset,
    feePercent,
  };
}

/**
 * The amount that spends `percent` of the available balance: for a buy, of the quote
 * at `price`; for a sell, of the base. Rounded down to the step grid; undefined when
 * it cannot be computed (no valid price for a buy).
 * @example amountForPercent(market, 'BUY', '100.00', 50, { USDC: '1000' }) === '5.000'
 */
export function amountForPercent(
  market: FormMarket,
  side: Side,
  price: string,
  percent: number,
  available: Available,
): string | undefined {
  const qd = market.quantityPrecision;
  const step = toUnits(market.stepSize, qd) as bigint;
  const pct = BigInt(Math.round(percent));
  let lots: bigint;
  if (side === 'SELL') {
    const scale = Math.max(qd, market.basePrecision);
    const base = toUnits(available[market.base] ?? '0', scale) ?? 0n;
    lots = (base * pct) / 100n / 10n ** BigInt(scale - qd);
  } else {
    const pd = market.pricePrecision;
    const ticks = toUnits(clean(price), pd);
    if (ticks === undefined || ticks === 0n) return undefined;
    const scale = Math.max(pd + qd, market.quotePrecision);
    const quote = toUnits(available[market.quote] ?? '0', scale) ?? 0n;
    // quote × pct / 100 / price, in quantity units of qd decimals.
    const spend = (quote * pct) / 100n; // at `scale` decimals
    lots = (spend * 10n ** BigInt(pd + qd)) / (ticks * 10n ** BigInt(scale));
  }
  return fromUnits(lots - (lots % step), qd);
}

/** The wire body of a valid order (`POST /api/v1/order`). */
export function orderBody(market: FormMarket, input: OrderInput): Record<string, string | boolean> {
  const body: Record<string, string | boolean> = {
    market: market.symbol,
    side: input.side,
    type: input.type,
    quantity: clean(input.amount),
  };
  if (input.type === 'LIMIT') {
    body.price = clean(input.price);
    if (input.postOnly) body.postOnly = true;
    else body.timeInForce = input.ioc ? 'IOC' : 'GTC';
  }
  if (isStopType(input.type)) {
    body.price = clean(input.price);
    body.stopPrice = clean(input.stopPrice ?? '');
    body.timeInForce = 'GTC';
  }
  return body;
}

function clean(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

/** Drops trailing zeros, keeping at least `min` decimals. */
function trimTo(text: string, min: number): string {
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  let end = text.length;
  while (end > dot + 1 + min && text[end - 1] === '0') end--;
  if (end === dot + 1) end = dot;
  return text.slice(0, end);
}
