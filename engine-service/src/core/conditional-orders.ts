import { canFillCompletely, Matching } from './matching.js';
import type { Order } from './order.js';
import type { OrderBook } from './order-book.js';
import { fundsNeeded, payOf } from './order-funds.js';

/**
 * At most this many stop orders trigger in one command. Those that would fire beyond it
 * stay waiting and fire, in the same order, at the next command in their market.
 */
export const MAX_TRIGGERS_PER_COMMAND = 1_000;

export class ConditionalOrders extends Matching {
  /**
   * Fires the stop orders the market's last trade price reaches, one at a time and in
   * the stop book's order; each one's fills move the price and may fire more (a
   * cascade), up to {@link MAX_TRIGGERS_PER_COMMAND} in one command.
   */
  protected runTriggers(book: OrderBook): void {
    const stops = book.stops;
    for (let budget = MAX_TRIGGERS_PER_COMMAND; ; budget--) {
      // Trailing stops follow trades they have not seen yet; one accepted now starts with the next trade.
      if (book.stopsSawTradeId !== book.lastTradeId) {
        if (stops.size > 0) stops.track(book.lastPrice);
        book.stopsSawTradeId = book.lastTradeId;
      }
      if (budget === 0 || stops.size === 0 || book.lastPrice === 0) return;
      const order = stops.next(book.lastPrice);
      if (order === null) return;
      this.trigger(book, order);
    }
  }

  /** A stop order whose trigger fired starts working, with the funds it locked when accepted. */
  private trigger(book: OrderBook, order: Order): void {
    const list = order.list;
    if (list !== null) {
      // Its sibling expires; the list's lock becomes this order's.
      const sibling = list.other(order);
      this.closeList(list);
      this.takeOpen(book, sibling, 'EXPIRED', 'ORDER_LIST_SIBLING');
      order.locked = list.locked;
      const exact = fundsNeeded(order, order.quantity, book.market, order.locked);
      this.ledger.unlock(payOf(book.market, order), order.locked - exact);
      order.locked = exact;
    }
    this.unwait(book, order);
    order.workingTime = this.time;
    this.emitOrder(order);
    // Working, its lock follows from its price and remainder: `locked` goes to matching.
    const locked = order.locked;
    order.locked = 0;
    if (order.timeInForce === 'FOK' && !canFillCompletely(book.side(order.side !== 'BUY'), order)) {
      this.ledger.unlock(payOf(book.market, order), locked);
      order.status = 'EXPIRED';
      order.reason = 'FOK_UNFILLABLE';
      this.emitOrder(order);
      this.pool.release(order);
      return;
    }
    this.match(book, order, locked);
  }
}
