import type { Order } from './order.js';

/**
 * One account's holding of one asset, in minor units. `locked` backs open orders
 * and pending withdrawals; `available` is free to use.
 */
export class Balance {
  available = 0;
  locked = 0;
  /** Sequence of the command that last recorded this balance as changed. */
  changedAt = 0;
  /** Values before that command, to report deltas. */
  availableBefore = 0;
  lockedBefore = 0;

  constructor(
    readonly accountId: string,
    readonly asset: string,
  ) {}
}

/**
 * An account: balances indexed by asset, and its open orders as an intrusive list
 * in id order, with client order ids among them.
 */
export class Account {
  readonly balances: (Balance | undefined)[] = [];
  openHead: Order | null = null;
  openTail: Order | null = null;
  openCount = 0;
  /** Open orders (working or waiting) per market index. */
  readonly openIn: number[] = [];
  /** Waiting stop and take-profit orders per market index. */
  readonly waitingIn: number[] = [];
  /** Open orders by {@link clientKey}; created on first use. */
  clientOrders: Map<string, Order> | null = null;

  constructor(readonly id: string) {}

  /**
   * Links an order that has started resting or waiting in the market with index
   * `market`, in id order: at the tail for a new order, further in for a stop that
   * fired and rests (as a restored snapshot lists it).
   */
  addOpen(order: Order, market: number): void {
    this.openIn[market] = (this.openIn[market] ?? 0) + 1;
    let prev = this.openTail;
    while (prev !== null && prev.id > order.id) prev = prev.accountPrev;
    const next = prev === null ? this.openHead : prev.accountNext;
    order.accountPrev = prev;
    order.accountNext = next;
    if (prev === null) this.openHead = order;
    else prev.accountNext = order;
    if (next === null) this.openTail = order;
    else next.accountPrev = order;
    this.openCount++;
    if (order.clientOrderId !== null) {
      this.clientOrders ??= new Map();
      this.clientOrders.set(clientKey(order.market, order.clientOrderId), order);
    }
  }

  /** Unlinks an order that has stopped resting or waiting in the market with index `market`. */
  removeOpen(order: Order, market: number): void {
    this.openIn[market] = (this.openIn[market] as number) - 1;
    if (order.accountPrev === null) this.openHead = order.accountNext;
    else order.accountPrev.accountNext = order.accountNext;
    if (order.accountNext === null) this.openTail = order.accountPrev;
    else order.accountNext.accountPrev = order.accountPrev;
    order.accountPrev = null;
    order.accountNext = null;
    this.openCount--;
    if (order.clientOrderId !== null) this.clientOrders?.delete(clientKey(order.market, order.clientOrderId));
  }

  /** Gives an open order another client order id (null: none). */
  renameOpen(order: Order, clientOrderId: string | null): void {
    if (order.clientOrderId !== null) this.clientOrders?.delete(clientKey(order.market, order.clientOrderId));
    order.clientOrderId = clientOrderId;
    if (clientOrderId !== null) {
      this.clientOrders ??= new Map();
      this.clientOrders.set(clientKey(order.market, clientOrderId), order);
    }
  }
}

/**
 * Client order ids are unique per account and market among open orders, as on
 * Binance. Neither a market symbol nor a client order id contains a space.
 */
export function clientKey(market: string, clientOrderId: string): string {
  return `${market} ${clientOrderId}`;
}
