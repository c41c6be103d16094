import type { Order } from './order.js';

const BPS = 10_000;

/**
 * Does a stop fire when the last price falls to its stop price (`last ≤ stop`),
 * rather than when it rises to it (`last ≥ stop`)? As Binance: a stop-loss sells on
 * a fall and buys on a rise; a take-profit the other way round.
 */
export function firesOnFall(order: Pick<Order, 'side' | 'orderType'>): boolean {
  const stopLoss = order.orderType === 'STOP_LOSS' || order.orderType === 'STOP_LOSS_LIMIT';
  return stopLoss === (order.side === 'SELL');
}

/** Would a stop at `stopPrice` fire at the last trade price `last` (0: no trade yet)? */
export function wouldFire(
  order: Pick<Order, 'side' | 'orderType'>,
  stopPrice: number,
  last: number,
): boolean {
  if (last === 0) return false;
  return firesOnFall(order) ? last <= stopPrice : last >= stopPrice;
}

/**
 * The price at which a tracking trailing stop fires: a sell `trailingDelta` bps below
 * the highest price it saw, a buy that far above the lowest, on the tick grid the way
 * that keeps the comparison exact (`last × 10⁴ ≤ ref × (10⁴ − δ)` ⇔ `last ≤ ⌊…⌋`).
 */
export function trailingTrigger(order: Order): number {
  return order.side === 'SELL'
    ? Math.floor((order.trailRef * (BPS - order.trailingDelta)) / BPS)
    : Math.ceil((order.trailRef * (BPS + order.trailingDelta)) / BPS);
}

/** Falls: ascending stop price, newest first within a price, so the next to fire is last. */
function fallOrder(a: Order, b: Order): number {
  return a.stopPrice - b.stopPrice || b.id - a.id;
}

/** Rises: descending stop price, newest first within a price, so the next to fire is last. */
function riseOrder(a: Order, b: Order): number {
  return b.stopPrice - a.stopPrice || b.id - a.id;
}

/**
 * One market's waiting stop and take-profit orders.
 *
 * Orders waiting for a stop price sit in two sorted arrays — those that fire on a
 * fall and those that fire on a rise — with the next to fire at the end, so a check
 * is O(1) and a trigger a pop. Trailing stops that are tracking the price sit in a
 * short list scanned on each check.
 *
 * {@link next} yields fired orders in a fixed order: those fired by a fall first,
 * highest trigger price first; then those fired by a rise, lowest trigger price
 * first; within a price, oldest (lowest id) first — the order in which the price's
 * path crossed them.
 */
export class StopBook {
  private readonly falls: Order[] = [];
  private readonly rises: Order[] = [];
  private readonly trailing: Order[] = [];

  get size(): number {
    return this.falls.length + this.rises.length + this.trailing.length;
  }

  /** Adds a waiting order: at its stop price, or tracking (from the next trade when it trails without one). */
  add(order: Order): void {
    if (order.tracking || order.stopPrice === 0) {
      order.tracking = true;
      this.trailing.push(order);
    } else if (firesOnFall(order)) {
      insert(this.falls, order, fallOrder);
    } else {
      insert(this.rises, order, riseOrder);
    }
  }

  /** Takes out a waiting order that was cancelled, amended away or expired. */
  remove(order: Order): void {
    if (order.tracking) {
      this.trailing.splice(this.trailing.indexOf(order), 1);
    } else if (firesOnFall(order)) {
      removeSorted(this.falls, order, fallOrder);
    } else {
      removeSorted(this.rises, order, riseOrder);
    }
  }

  /** Moves every tracking trailing stop's reference with a new last trade price. */
  track(last: number): void {
    for (const order of this.trailing) {
      if (order.trailRef === 0) order.trailRef = last;
      else if (order.side === 'SELL' ? last > order.trailRef : last < order.trailRef) order.trailRef = last;
    }
  }

  /**
   * The next order the last trade price `last` fires, taken out of the book, or null.
   * A trailing stop whose stop price is reached starts tracking here (from `last`)
   * instead of firing.
   */
  next(last: number): Order | null {
    this.activate(this.falls, last, true);
    this.activate(this.rises, last, false);
    let fall = this.falls.at(-1);
    if (fall !== undefined && last > fall.stopPrice) fall = undefined;
    let rise = this.rises.at(-1);
    if (rise !== undefined && last < rise.stopPrice) rise = undefined;
    let fallPrice = fall?.stopPrice ?? 0;
    let risePrice = rise?.stopPrice ?? 0;
    let trailingFall: Order | undefined;
    let trailingRise: Order | undefined;
    for (const order of this.trailing) {
      if (order.trailRef === 0) continue;
      const trigger = trailingTrigger(order);
      if (order.side === 'SELL') {
        if (last > trigger) continue;
        if (fall === undefined || trigger > fallPrice || (trigger === fallPrice && order.id < fall.id)) {
          fall = order;
          fallPrice = trigger;
          trailingFall = order;
        }
      } else {
        if (last < trigger) continue;
        if (rise === undefined || trigger < risePrice || (trigger === risePrice && order.id < rise.id)) {
          rise = order;
          risePrice = trigger;
          trailingRise = order;
        }
      }
    }
    const fired = fall ?? rise;
    if (fired === undefined) return null;
    if (fired === trailingFall || fired === trailingRise)
      this.trailing.splice(this.trailing.indexOf(fired), 1);
    else (fired === fall ? this.falls : this.rises).pop();
    return fired;
  }

  /**
   * Trailing stops whose stop price `last` reached start tracking from `last` — all of
   * them, also those behind a plain stop that fires first and moves the price.
   */
  private activate(sorted: Order[], last: number, onFall: boolean): void {
    // The orders `last` reaches are the end of the array.
    for (let i = sorted.length - 1; i >= 0; i--) {
      const order = sorted[i] as Order;
      if (onFall ? last > order.stopPrice : last < order.stopPrice) return;
      if (order.trailingDelta === 0) continue;
      sorted.splice(i, 1);
      order.tracking = true;
      order.trailRef = last;
      this.trailing.push(order);
    }
  }

  /** Every waiting order, in no particular order. */
  orders(): Order[] {
    return [...this.falls, ...this.rises, ...this.trailing];
  }
}

function insert(sorted: Order[], order: Order, compare: (a: Order, b: Order) => number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid] as Order, order) < 0) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, order);
}

function removeSorted(sorted: Order[], order: Order, compare: (a: Order, b: Order) => number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid] as Order, order) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (sorted[lo] !== order) throw new Error(`order ${order.id} is not waiting here`);
  sorted.splice(lo, 1);
}
