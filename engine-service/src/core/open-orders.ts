import type { EndReason, OrderStatus } from '@exchange/protocol';
import { clientKey } from './account.js';
import { EngineState } from './engine-state.js';
import type { Order } from './order.js';
import type { OrderBook } from './order-book.js';
import { fundsNeeded, payOf } from './order-funds.js';
import type { OrderList } from './order-list.js';

/*
 * An open order's way in and out: resting on the book or waiting for its trigger,
 * linked into its account and the order index, and taken out again when it ends.
 */

export class OpenOrders extends EngineState {
  /** Puts a working order on the book at its price, in its account and the index. */
  protected rest(book: OrderBook, order: Order): void {
    book.rest(order, this.seq);
    order.account.addOpen(order, book.market.index);
    this.orders.add(order);
  }

  /** Puts an accepted stop or take-profit order in its book's waiting orders. */
  protected wait(book: OrderBook, order: Order): void {
    const index = book.market.index;
    order.workingTime = -1;
    book.stops.add(order);
    order.account.addOpen(order, index);
    order.account.waitingIn[index] = (order.account.waitingIn[index] ?? 0) + 1;
    this.orders.add(order);
  }

  /** Takes a waiting order out of its book's waiting orders (not its funds). */
  protected unwait(book: OrderBook, order: Order): void {
    const index = book.market.index;
    order.account.removeOpen(order, index);
    order.account.waitingIn[index] = (order.account.waitingIn[index] as number) - 1;
    this.orders.delete(order);
  }

  /** An open order of the account in the market, by id or client order id. */
  protected findOpen(
    market: string,
    accountId: string,
    orderId: number | null,
    clientOrderId: string | null,
  ): Order | undefined {
    const order =
      orderId !== null
        ? this.orders.get(orderId)
        : clientOrderId !== null
          ? this.ledger.accounts.get(accountId)?.clientOrders?.get(clientKey(market, clientOrderId))
          : undefined;
    // Another account's order is reported exactly like a missing one.
    if (order === undefined || order.account.id !== accountId || order.market !== market) return undefined;
    return order;
  }

  /**
   * Cancels or expires an open order — resting or waiting — and unlocks exactly what
   * it held. An order of an intact OCO list takes its sibling with it: the list's one
   * lock is released.
   */
  protected endOpen(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason): void {
    const list = order.list;
    if (list !== null) {
      this.closeList(list);
      this.ledger.unlock(payOf(book.market, order), list.locked);
      this.takeOpen(book, order, status, reason);
      this.takeOpen(
        book,
        list.other(order),
        status,
        reason === 'CANCELED_BY_USER' ? reason : 'ORDER_LIST_SIBLING',
      );
      return;
    }
    const held = order.waiting ? order.locked : fundsNeeded(order, order.remaining, book.market, 0);
    this.ledger.unlock(payOf(book.market, order), held);
    this.takeOpen(book, order, status, reason);
  }

  /** Takes an open order out of the book or the waiting orders, without touching funds, and reports it. */
  protected takeOpen(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason | null): void {
    if (order.waiting) {
      book.stops.remove(order);
      this.unwait(book, order);
      order.status = status;
      order.reason = reason;
      this.emitOrder(order);
      this.pool.release(order);
    } else {
      this.retire(book, order, status, reason);
    }
  }

  /** Takes a resting order out of the book and its account, and reports its final state. */
  protected retire(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason | null): void {
    book.unrest(order, this.seq);
    order.account.removeOpen(order, book.market.index);
    this.orders.delete(order);
    order.status = status;
    order.reason = reason;
    this.emitOrder(order);
    this.pool.release(order);
  }

  /** An order list stops holding its orders together (one executes, or both end). */
  protected closeList(list: OrderList): void {
    list.above.list = null;
    list.below.list = null;
    this.lists.delete(list.id);
  }
}
