import type { Order } from './order.js';

/**
 * An OCO order list while both its orders are open: one priced above the market,
 * one below, of one side and quantity. Only one of them can ever execute, so the
 * list holds one lock for both — what the dearer of the two needs — and the orders
 * hold none of their own until one of them works and the other expires.
 */
export class OrderList {
  constructor(
    /** The sequence of the command that created it. */
    readonly id: number,
    readonly clientListId: string | null,
    readonly above: Order,
    readonly below: Order,
    /** Funds held for both orders, in the asset they pay with. */
    public locked: number,
  ) {}

  /** The list's other order. */
  other(order: Order): Order {
    return order === this.above ? this.below : this.above;
  }
}
