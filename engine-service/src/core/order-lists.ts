import {
  type EngineCancelOrderList,
  type EngineCreateOrder,
  type EngineCreateOrderList,
  type EngineOrderListLeg,
  isConditional,
  type RejectCode,
} from '@exchange/protocol';
import { clientKey } from './account.js';
import { OpenOrders } from './open-orders.js';
import type { Order } from './order.js';
import type { OrderBook } from './order-book.js';
import { crosses, orderFilterCode, stopFiresAt } from './order-filters.js';
import { fundsNeeded, payOf } from './order-funds.js';
import { OrderList } from './order-list.js';

/** One leg of an order list as the order it places. */
function legOrder(c: EngineCreateOrderList, leg: EngineOrderListLeg): EngineCreateOrder {
  return {
    type: 'CREATE_ORDER',
    accountId: c.accountId,
    market: c.market,
    side: c.side,
    orderType: leg.orderType,
    timeInForce: leg.timeInForce,
    postOnly: leg.postOnly,
    price: leg.price,
    quantity: c.quantity,
    quoteQuantity: 0,
    clientOrderId: leg.clientOrderId,
    selfTradePrevention: c.selfTradePrevention,
    stopPrice: leg.stopPrice,
    trailingDelta: leg.trailingDelta,
  };
}

/**
 * The OCO rules, as Binance's: each leg a LIMIT_MAKER or a stop / take-profit, at
 * least one of them contingent; a sell takes profit (or rests) above and stops loss
 * below, a buy the other way round; the above leg's price above the below leg's.
 */
function listShapeCode(c: EngineCreateOrderList): RejectCode | null {
  const { above, below } = c;
  const isLimitMaker = (l: EngineOrderListLeg): boolean => l.orderType === 'LIMIT' && l.postOnly;
  const profitSide = (l: EngineOrderListLeg): boolean =>
    isLimitMaker(l) || l.orderType === 'TAKE_PROFIT' || l.orderType === 'TAKE_PROFIT_LIMIT';
  const lossSide = (l: EngineOrderListLeg): boolean =>
    l.orderType === 'STOP_LOSS' || l.orderType === 'STOP_LOSS_LIMIT';
  if (isLimitMaker(above) && isLimitMaker(below)) return 'INVALID_ORDER';
  if (c.side === 'SELL' ? !(profitSide(above) && lossSide(below)) : !(lossSide(above) && profitSide(below))) {
    return 'INVALID_ORDER';
  }
  const reference = (l: EngineOrderListLeg): number => (isLimitMaker(l) ? l.price : l.stopPrice);
  if (reference(above) > 0 && reference(below) > 0 && reference(above) <= reference(below)) {
    return 'ORDER_LIST_PRICES';
  }
  return null;
}

export class OrderLists extends OpenOrders {
  /**
   * Places an OCO list: both orders are checked as if placed alone, then one lock is
   * taken for the two — the larger of what each would lock — and the limit order
   * rests while the stop order waits (or both wait).
   */
  protected createOrderList(c: EngineCreateOrderList): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const market = book.market;
    const above = legOrder(c, c.above);
    const below = legOrder(c, c.below);
    const shapeCode = listShapeCode(c);
    if (shapeCode !== null) return shapeCode;
    for (const leg of [above, below]) {
      const code = orderFilterCode(leg, market);
      if (code !== null) return code;
      if (leg.postOnly) {
        const best = book.side(c.side !== 'BUY').best;
        if (best !== null && crosses(c.side === 'BUY', leg.price, best.price)) return 'WOULD_TAKE';
      } else if (stopFiresAt(leg, leg.stopPrice ?? 0, book.lastPrice)) {
        return 'WOULD_TRIGGER';
      }
    }
    const account = this.ledger.accounts.get(c.accountId);
    for (const leg of [above, below]) {
      if (leg.clientOrderId !== null && account?.clientOrders?.has(clientKey(c.market, leg.clientOrderId))) {
        return 'DUPLICATE_CLIENT_ORDER_ID';
      }
    }
    if (above.clientOrderId !== null && above.clientOrderId === below.clientOrderId) {
      return 'DUPLICATE_CLIENT_ORDER_ID';
    }
    const conditionals = (isConditional(above.orderType) ? 1 : 0) + (isConditional(below.orderType) ? 1 : 0);
    if (account !== undefined && (account.openIn[market.index] ?? 0) + 2 > market.maxNumOrders) {
      return 'MAX_NUM_ORDERS';
    }
    if (
      account !== undefined &&
      (account.waitingIn[market.index] ?? 0) + conditionals > market.maxNumAlgoOrders
    ) {
      return 'MAX_NUM_ALGO_ORDERS';
    }
    const pay = account?.balances[c.side === 'BUY' ? market.quote.index : market.base.index];
    if (account === undefined || pay === undefined) return 'INSUFFICIENT_FUNDS';
    const need = Math.max(
      fundsNeeded(above, c.quantity, market, pay.available),
      fundsNeeded(below, c.quantity, market, pay.available),
    );
    if (need === 0 || need > pay.available) return 'INSUFFICIENT_FUNDS';
    this.ledger.lock(pay, need);

    const [first, second] = [below, above].map((leg) => {
      const order = this.pool.acquire(this.nextOrderId(), account, market.symbol, leg, this.time);
      order.stopPrice = leg.stopPrice ?? 0;
      order.trailingDelta = leg.trailingDelta ?? 0;
      order.listId = this.seq;
      order.listClientId = c.listClientOrderId;
      return order;
    }) as [Order, Order];
    const list = new OrderList(this.seq, c.listClientOrderId, second, first, need);
    this.lists.set(list.id, list);
    for (const order of [first, second]) {
      order.list = list;
      if (isConditional(order.orderType)) {
        this.wait(book, order);
      } else {
        this.rest(book, order);
      }
      this.emitOrder(order);
    }
    this.flushDepth(book);
    return null;
  }

  protected cancelOrderList(c: EngineCancelOrderList): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    let list: OrderList | undefined;
    if (c.orderListId !== null) {
      list = this.lists.get(c.orderListId);
    } else {
      for (const candidate of this.lists.values()) {
        if (candidate.clientListId === c.listClientOrderId && candidate.above.account.id === c.accountId) {
          list = candidate;
          break;
        }
      }
    }
    if (list === undefined || list.above.account.id !== c.accountId || list.above.market !== c.market) {
      return 'UNKNOWN_ORDER_LIST';
    }
    this.endOpen(book, list.above, 'CANCELED', 'CANCELED_BY_USER');
    this.flushDepth(book);
    return null;
  }

  /**
   * The resting order of an intact OCO list starts executing: its sibling expires
   * and the list's lock shrinks to what this order needs as a resting limit order.
   */
  protected executeListOrder(book: OrderBook, order: Order): void {
    const list = order.list as OrderList;
    this.closeList(list);
    this.takeOpen(book, list.other(order), 'EXPIRED', 'ORDER_LIST_SIBLING');
    const keep = fundsNeeded(order, order.remaining, book.market, 0);
    this.ledger.unlock(payOf(book.market, order), list.locked - keep);
  }
}
