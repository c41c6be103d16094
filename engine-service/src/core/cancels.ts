import type { EngineCancelAll, EngineCancelOrder, EngineCancelReplace, RejectCode } from '@exchange/protocol';
import type { OrderBook } from './order-book.js';
import { OrderEntry } from './order-entry.js';

export class Cancels extends OrderEntry {
  protected cancelOrder(c: EngineCancelOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const code = this.cancelOne(book, c);
    if (code === null) this.flushDepth(book);
    return code;
  }

  private cancelOne(book: OrderBook, c: EngineCancelOrder): RejectCode | null {
    const order = this.findOpen(c.market, c.accountId, c.orderId, c.clientOrderId);
    if (order === undefined) return 'UNKNOWN_ORDER';
    this.endOpen(book, order, 'CANCELED', 'CANCELED_BY_USER');
    return null;
  }

  protected cancelAll(c: EngineCancelAll): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const account = this.ledger.accounts.get(c.accountId);
    // Oldest first; cancelling an order of a list also ends its sibling, so each is looked up again.
    const ids: number[] = [];
    for (let order = account?.openHead ?? null; order !== null; order = order.accountNext) {
      if (order.market === c.market) ids.push(order.id);
    }
    for (const id of ids) {
      const order = this.orders.get(id);
      if (order !== undefined) this.endOpen(book, order, 'CANCELED', 'CANCELED_BY_USER');
    }
    this.flushDepth(book);
    return null;
  }

  /**
   * Cancels one order and places another as one command. `STOP_ON_FAILURE` places
   * nothing when the cancel fails; `ALLOW_FAILURE` places the order anyway. The
   * command is rejected (nothing changed) only when neither half succeeded.
   */
  protected cancelReplace(c: EngineCancelReplace): RejectCode | null {
    const book = this.books.get(c.order.market);
    if (book === undefined || c.cancel.market !== c.order.market) return 'UNKNOWN_MARKET';
    const cancelCode = this.cancelOne(book, c.cancel);
    if (cancelCode !== null && c.mode === 'STOP_ON_FAILURE') {
      this.outcome = { cancelCode, orderCode: 'NOT_ATTEMPTED' };
      return cancelCode;
    }
    const orderCode = this.placeOrder(book, c.order);
    this.outcome = { cancelCode, orderCode };
    if (cancelCode !== null && orderCode !== null) return cancelCode;
    this.flushDepth(book);
    return null;
  }
}
