import type { EngineAmendOrder, RejectCode } from '@exchange/protocol';
import { clientKey } from './account.js';
import { Cancels } from './cancels.js';
import { isCount } from './fixed-point.js';
import type { Order } from './order.js';
import type { OrderBook } from './order-book.js';
import { fundsNeeded, payOf } from './order-funds.js';

export class Amends extends Cancels {
  /**
   * Reduces an open order's quantity in place: a resting order keeps its place in its
   * level's queue, and the funds the removed lots held are unlocked. Both orders of
   * an intact OCO list share one quantity, so both are reduced.
   */
  protected amendOrder(c: EngineAmendOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const order = this.findOpen(c.market, c.accountId, c.orderId, c.clientOrderId);
    if (order === undefined) return 'UNKNOWN_ORDER';
    if (order.quantity === 0) return 'INVALID_ORDER';
    if (c.quantity >= order.quantity || c.quantity <= order.filledQuantity) return 'QUANTITY_INCREASE';
    if (!isCount(c.quantity, book.market.maxQuantityLots)) return 'LOT_SIZE';
    if (c.newClientOrderId !== null && c.newClientOrderId !== order.clientOrderId) {
      const holder = order.account.clientOrders?.get(clientKey(c.market, c.newClientOrderId));
      if (holder !== undefined) return 'DUPLICATE_CLIENT_ORDER_ID';
      order.account.renameOpen(order, c.newClientOrderId);
    }
    const market = book.market;
    const pay = payOf(market, order);
    const list = order.list;
    if (list !== null) {
      const locked = Math.max(
        fundsNeeded(list.above, c.quantity, market, list.locked),
        fundsNeeded(list.below, c.quantity, market, list.locked),
      );
      this.ledger.unlock(pay, list.locked - locked);
      list.locked = locked;
      this.reduce(book, list.other(order), c.quantity);
      this.reduce(book, order, c.quantity);
    } else if (order.waiting) {
      const locked = fundsNeeded(order, c.quantity, market, order.locked);
      this.ledger.unlock(pay, order.locked - locked);
      order.locked = locked;
      this.reduce(book, order, c.quantity);
    } else {
      this.ledger.unlock(pay, fundsNeeded(order, order.quantity - c.quantity, market, 0));
      this.reduce(book, order, c.quantity);
    }
    this.flushDepth(book);
    return null;
  }

  /** Sets an open order's quantity (lower than now, above what filled) and reports it. */
  private reduce(book: OrderBook, order: Order, quantity: number): void {
    const less = order.quantity - quantity;
    order.quantity = quantity;
    order.remaining -= less;
    if (!order.waiting && order.level !== null) {
      order.level.total -= less;
      book.markChanged(order.level, this.seq);
    }
    this.emitOrder(order);
  }
}
