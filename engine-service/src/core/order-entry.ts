import { type EngineCreateOrder, isConditional, type RejectCode } from '@exchange/protocol';
import { clientKey } from './account.js';
import { ConditionalOrders } from './conditional-orders.js';
import { canFillCompletely } from './matching.js';
import type { OrderBook } from './order-book.js';
import { crosses, orderFilterCode, stopFiresAt } from './order-filters.js';
import { fundsNeeded } from './order-funds.js';

export class OrderEntry extends ConditionalOrders {
  protected createOrder(c: EngineCreateOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const code = this.placeOrder(book, c);
    if (code === null) this.flushDepth(book);
    return code;
  }

  /**
   * Checks, locks and places one order: it matches, rests, or waits for its trigger.
   * It locks what it may spend (`fundsNeeded`): a limit buy `price × quantity` of
   * quote, a sell its quantity of base, a market buy its quote amount (or, sized in
   * base, all available quote, the rest returned after matching); a stop or
   * take-profit order, when accepted, what the order it becomes would. A fill-or-kill
   * order that the book cannot fill expires at once, with nothing locked.
   */
  protected placeOrder(book: OrderBook, c: EngineCreateOrder): RejectCode | null {
    const market = book.market;
    const filterCode = orderFilterCode(c, market);
    if (filterCode !== null) return filterCode;
    const isBuy = c.side === 'BUY';
    const opposite = book.side(!isBuy);
    if (c.postOnly && opposite.best !== null && crosses(isBuy, c.price, opposite.best.price)) {
      return 'WOULD_TAKE';
    }
    const conditional = isConditional(c.orderType);
    const stopPrice = c.stopPrice ?? 0;
    if (conditional && stopFiresAt(c, stopPrice, book.lastPrice)) return 'WOULD_TRIGGER';
    const account = this.ledger.accounts.get(c.accountId);
    if (
      c.clientOrderId !== null &&
      account?.clientOrders?.has(clientKey(c.market, c.clientOrderId)) === true
    ) {
      return 'DUPLICATE_CLIENT_ORDER_ID';
    }
    if (account !== undefined && (account.openIn[market.index] ?? 0) >= market.maxNumOrders) {
      return 'MAX_NUM_ORDERS';
    }
    if (
      conditional &&
      account !== undefined &&
      (account.waitingIn[market.index] ?? 0) >= market.maxNumAlgoOrders
    ) {
      return 'MAX_NUM_ALGO_ORDERS';
    }
    const pay = account?.balances[isBuy ? market.quote.index : market.base.index];
    if (account === undefined || pay === undefined) return 'INSUFFICIENT_FUNDS';
    const need = fundsNeeded(c, c.quantity, market, pay.available);
    if (need === 0 || need > pay.available) return 'INSUFFICIENT_FUNDS';
    const order = this.pool.acquire(this.nextOrderId(), account, market.symbol, c, this.time);
    if (conditional) {
      this.ledger.lock(pay, need);
      order.stopPrice = stopPrice;
      order.trailingDelta = c.trailingDelta ?? 0;
      order.locked = need;
      this.wait(book, order);
      this.emitOrder(order);
    } else if (c.timeInForce === 'FOK' && !canFillCompletely(opposite, order)) {
      // A fill-or-kill that cannot fill: nothing is locked, nothing changes.
      order.status = 'EXPIRED';
      order.reason = 'FOK_UNFILLABLE';
      this.emitOrder(order);
      this.pool.release(order);
    } else {
      this.ledger.lock(pay, need);
      this.match(book, order, need);
    }
    this.runTriggers(book);
    return null;
  }
}
