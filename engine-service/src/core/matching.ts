import type { EndReason } from '@exchange/protocol';
import type { Balance } from './account.js';
import type { BookSide } from './book-side.js';
import { Trade } from './events.js';
import { feeOf, floorDiv } from './fixed-point.js';
import type { Order } from './order.js';
import type { OrderBook } from './order-book.js';
import { OrderLists } from './order-lists.js';
import type { PriceLevel } from './price-level.js';

/** Would a fill-or-kill order fill completely right now (self-trade prevention included)? */
export function canFillCompletely(side: BookSide, taker: Order): boolean {
  const isBuy = taker.side === 'BUY';
  let needed = taker.quantity;
  for (let level = side.best; level !== null; level = side.worse(level)) {
    if (isBuy ? level.price > taker.price : level.price < taker.price) return false;
    for (let maker = level.head; maker !== null; maker = maker.next) {
      if (maker.account === taker.account) {
        if (taker.selfTradePrevention === 'EXPIRE_MAKER') continue;
        return false;
      }
      needed -= maker.remaining;
      if (needed <= 0) return true;
    }
  }
  return false;
}

export class Matching extends OrderLists {
  /**
   * Matches a working order against the opposite side, best price first and oldest
   * order first within a price; fills at the maker's price. Then rests the
   * remainder (GTC limit) or ends the order, and returns every locked unit the
   * order no longer needs — including price improvement.
   */
  protected match(book: OrderBook, taker: Order, locked: number): void {
    const market = book.market;
    const isBuy = taker.side === 'BUY';
    const pay = taker.account.balances[isBuy ? market.quote.index : market.base.index] as Balance;
    const side = book.side(!isBuy);
    // A limit order and a `…_LIMIT` stop have a price; market orders and market stops do not.
    const isLimit = taker.price > 0;
    const quotePerTickLot = market.quotePerTickLot;
    const basePerLot = market.basePerLot;
    let funds = locked;
    let quoteLeft = taker.quoteQuantity > 0 ? taker.quoteQuantity : Number.POSITIVE_INFINITY;
    let stop: EndReason | 'SPENT' | null = null;

    for (let level = side.best; level !== null && taker.remaining > 0; level = side.best) {
      const price = level.price;
      if (isLimit && (isBuy ? price > taker.price : price < taker.price)) break;
      const perLot = price * quotePerTickLot;
      let maker = level.head;
      while (maker !== null && taker.remaining > 0) {
        const nextMaker: Order | null = maker.next;
        let lots = Math.min(taker.remaining, maker.remaining);
        // A market order may run out of quote amount or funds before lots: it then
        // fills what fits and stops, before self-trade prevention touches anything.
        let bound: 'SPENT' | 'INSUFFICIENT_FUNDS' | null = null;
        if (!isLimit) {
          const byQuote = quoteLeft < Number.POSITIVE_INFINITY ? floorDiv(quoteLeft, perLot) : lots;
          const byFunds = floorDiv(funds, isBuy ? perLot : basePerLot);
          if (byQuote < lots && byQuote <= byFunds) {
            lots = byQuote;
            bound = 'SPENT';
          } else if (byFunds < lots) {
            lots = byFunds;
            bound = 'INSUFFICIENT_FUNDS';
          }
          if (lots === 0) {
            stop = bound;
            break;
          }
        }
        if (maker.account === taker.account) {
          const mode = taker.selfTradePrevention;
          if (mode !== 'EXPIRE_TAKER') this.endOpen(book, maker, 'EXPIRED', 'SELF_TRADE_PREVENTION');
          if (mode !== 'EXPIRE_MAKER') {
            stop = 'SELF_TRADE_PREVENTION';
            break;
          }
          maker = nextMaker;
          continue;
        }
        this.fill(book, level, taker, maker, lots, perLot);
        const cost = lots * perLot;
        funds -= isBuy ? cost : lots * basePerLot;
        if (quoteLeft < Number.POSITIVE_INFINITY) quoteLeft -= cost;
        if (bound !== null) {
          stop = bound;
          break;
        }
        maker = nextMaker;
      }
      if (stop !== null) break;
    }

    if (stop === null && isLimit && taker.timeInForce === 'GTC' && taker.remaining > 0) {
      const keep = isBuy ? taker.price * taker.remaining * quotePerTickLot : taker.remaining * basePerLot;
      this.ledger.unlock(pay, funds - keep);
      taker.status = taker.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'NEW';
      this.rest(book, taker);
      this.emitOrder(taker);
    } else {
      this.ledger.unlock(pay, funds);
      if (taker.remaining === 0 || quoteLeft === 0 || (stop === 'SPENT' && taker.filledQuantity > 0)) {
        taker.status = 'FILLED';
      } else {
        taker.status = 'EXPIRED';
        taker.reason =
          stop === null || stop === 'SPENT' ? (isLimit ? 'IOC_REMAINDER' : 'NO_LIQUIDITY') : stop;
      }
      this.emitOrder(taker);
      this.pool.release(taker);
    }
  }

  /** Settles one fill of `lots` at the maker's level price between taker and maker. */
  private fill(
    book: OrderBook,
    level: PriceLevel,
    taker: Order,
    maker: Order,
    lots: number,
    perLot: number,
  ): void {
    const market = book.market;
    if (maker.list !== null) this.executeListOrder(book, maker);
    const cost = lots * perLot;
    const base = lots * market.basePerLot;
    const takerBuys = taker.side === 'BUY';
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = feeOf(base, takerBuys ? market.takerFeeBps : market.makerFeeBps);
    const sellerFee = feeOf(cost, takerBuys ? market.makerFeeBps : market.takerFeeBps);
    const q = market.quote.index;
    const b = market.base.index;
    const ledger = this.ledger;
    ledger.spendLocked(buyer.account, q, cost);
    ledger.credit(buyer.account, b, base - buyerFee);
    ledger.spendLocked(seller.account, b, base);
    ledger.credit(seller.account, q, cost - sellerFee);
    if (buyerFee > 0) ledger.credit(ledger.feeAccount, b, buyerFee);
    if (sellerFee > 0) ledger.credit(ledger.feeAccount, q, sellerFee);

    taker.remaining -= lots;
    taker.filledQuantity += lots;
    taker.filledQuote += cost;
    maker.remaining -= lots;
    maker.filledQuantity += lots;
    maker.filledQuote += cost;
    level.total -= lots;
    book.markChanged(level, this.seq);
    book.lastPrice = level.price;

    this.events.push(
      new Trade(
        market.symbol,
        ++book.lastTradeId,
        level.price,
        lots,
        cost,
        buyer.id,
        seller.id,
        buyer.account.id,
        seller.account.id,
        taker.side,
        buyerFee,
        sellerFee,
      ),
    );
    if (maker.remaining === 0) {
      this.retire(book, maker, 'FILLED', null);
    } else {
      maker.status = 'PARTIALLY_FILLED';
      this.emitOrder(maker);
    }
  }
}
