/**
 * The reference model's books and matching, written from the spec in
 * `src/core/README.md`: every open order — resting or waiting for its trigger — in
 * one plain array, intact OCO lists in another, the best maker found by sorting.
 */
import type {
  EndReason,
  EngineEvent,
  EngineOrderEvent,
  Level,
  Market,
  MarketRegistry,
  OrderStatus,
} from '@exchange/protocol';
import { ModelLedger } from './reference-ledger.js';
import { feeUp, lockFor, payAsset, wholeTimes, worksAsMarket } from './reference-rules.js';

/** An order's `ORDER` event fields as they are now. */
type OrderState = { -readonly [K in keyof EngineOrderEvent]: EngineOrderEvent[K] };

export interface ModelOrder {
  state: OrderState;
  /** Lots it still wants (unbounded for an order sized by quote). */
  remaining: number;
  /** Waiting for its trigger, rather than resting on the book. */
  waiting: boolean;
  /** What a waiting order in no intact list holds. */
  locked: number;
  /** When it entered the book (a count): its time priority within its price. */
  arrival: number;
  /** A trailing stop following the price. */
  tracking: boolean;
  /** The highest (sell) or lowest (buy) last price it has followed; 0 before the first. */
  reference: number;
}

/** An OCO list while both its orders are open: one lock for the two. */
export interface ModelList {
  id: number;
  clientId: string | null;
  above: ModelOrder;
  below: ModelOrder;
  locked: number;
}

export interface ModelDepth {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}

/** Why matching stopped before the book or the taker's lots ran out. */
type MatchStop = 'SELF_TRADE' | 'QUOTE_SPENT' | 'OUT_OF_FUNDS' | null;

export class ModelMatching {
  protected readonly ledger: ModelLedger;
  protected open: ModelOrder[] = [];
  protected lists: ModelList[] = [];
  protected readonly lastPrice: Record<string, number> = {};
  protected readonly tradeIds: Record<string, number> = {};
  private readonly updateIds: Record<string, number> = {};
  private arrivals = 0;
  /** The command being applied: its time, events so far, and book levels in the order first changed. */
  protected time = 0;
  protected events: EngineEvent[] = [];
  private changedLevels: { market: string; isBid: boolean; price: number }[] = [];

  constructor(
    protected readonly registry: MarketRegistry,
    private readonly feeAccountId: string,
  ) {
    this.ledger = new ModelLedger(registry);
  }

  balance(accountId: string, asset: string): { available: number; locked: number } {
    return this.ledger.balance(accountId, asset);
  }

  depth(market: string): ModelDepth {
    return {
      lastUpdateId: this.updateIds[market] ?? 0,
      bids: this.levels(market, true),
      asks: this.levels(market, false),
    };
  }

  /** An account's open orders, resting and waiting, oldest (lowest id) first. */
  openOrders(accountId: string): EngineOrderEvent[] {
    return this.open
      .filter((o) => o.state.accountId === accountId)
      .sort((a, b) => a.state.orderId - b.state.orderId)
      .map((o) => ({ ...o.state }));
  }

  protected begin(time: number): void {
    this.time = time;
    this.events = [];
    this.changedLevels = [];
    this.ledger.begin();
  }

  protected market(symbol: string): Market {
    return this.registry.market(symbol) as Market;
  }

  protected openOf(accountId: string, market: string): ModelOrder[] {
    return this.open.filter((o) => o.state.accountId === accountId && o.state.market === market);
  }

  protected clientIdTaken(accountId: string, market: string, clientOrderId: string | null): boolean {
    return (
      clientOrderId !== null &&
      this.openOf(accountId, market).some((o) => o.state.clientOrderId === clientOrderId)
    );
  }

  protected listOf(order: ModelOrder): ModelList | undefined {
    return this.lists.find((l) => l.above === order || l.below === order);
  }

  /** An order event: the order as it stands, changed by this command. */
  protected report(order: ModelOrder): void {
    order.state.updatedAt = this.time;
    this.events.push({ ...order.state });
  }

  /** The spec's fill-or-kill walk: best price first, oldest first, within the limit. */
  protected canFillCompletely(taker: ModelOrder): boolean {
    let lots = 0;
    for (const maker of this.queue(taker)) {
      if (maker.state.accountId === taker.state.accountId) {
        if (taker.state.selfTradePrevention === 'EXPIRE_MAKER') continue;
        return false;
      }
      lots += maker.remaining;
      if (lots >= taker.state.quantity) return true;
    }
    return false;
  }

  /** Opposite resting orders the taker may trade with, best price first, first on the book first within a price. */
  private queue(taker: ModelOrder): ModelOrder[] {
    const t = taker.state;
    const isBuy = t.side === 'BUY';
    const anyPrice = worksAsMarket(t.orderType);
    return this.open
      .filter((o) => !o.waiting && o.state.market === t.market && o.state.side !== t.side)
      .filter((o) => anyPrice || (isBuy ? o.state.price <= t.price : o.state.price >= t.price))
      .sort((a, b) =>
        a.state.price !== b.state.price
          ? isBuy
            ? a.state.price - b.state.price
            : b.state.price - a.state.price
          : a.arrival - b.arrival,
      );
  }

  /** Puts a working order on the book, behind every order already there. */
  protected rest(order: ModelOrder): void {
    order.arrival = ++this.arrivals;
    this.open.push(order);
    this.levelChanged(order.state.market, order.state.side === 'BUY', order.state.price);
  }

  /** Matches a working order that holds `locked`, then rests it or ends it, as the spec's "After matching". */
  protected matchAndFinish(taker: ModelOrder, market: Market, locked: number): void {
    const t = taker.state;
    const isBuy = t.side === 'BUY';
    const isMarket = worksAsMarket(t.orderType);
    let funds = locked;
    let quoteLeft = t.quoteQuantity;
    let stop: MatchStop = null;

    while (taker.remaining > 0) {
      // The best maker is looked up afresh each time: one that a bounded fill left with
      // lots is still first in line, so a bound of 0 stops matching right there.
      const maker = this.queue(taker)[0];
      if (maker === undefined) break;
      let lots = Math.min(taker.remaining, maker.remaining);
      if (isMarket) {
        const costPerLot = maker.state.price * market.quotePerTickLot;
        if (t.quoteQuantity > 0) {
          const fitsQuote = wholeTimes(quoteLeft, costPerLot);
          if (fitsQuote === 0) {
            stop = 'QUOTE_SPENT';
            break;
          }
          lots = Math.min(lots, fitsQuote);
        }
        const fitsFunds = wholeTimes(funds, isBuy ? costPerLot : market.basePerLot);
        if (fitsFunds === 0) {
          stop = 'OUT_OF_FUNDS';
          break;
        }
        lots = Math.min(lots, fitsFunds);
      }
      // Per the spec, a market order's bounds are checked before self-trade prevention.
      if (maker.state.accountId === t.accountId) {
        const mode = t.selfTradePrevention;
        if (mode === 'EXPIRE_MAKER' || mode === 'EXPIRE_BOTH') {
          this.endOpen(maker, 'EXPIRED', 'SELF_TRADE_PREVENTION');
        }
        if (mode === 'EXPIRE_TAKER' || mode === 'EXPIRE_BOTH') {
          stop = 'SELF_TRADE';
          break;
        }
        continue;
      }
      const cost = this.fill(taker, maker, lots, market);
      funds -= isBuy ? cost : lots * market.basePerLot;
      quoteLeft -= cost;
    }

    const pay = payAsset(t.side, market);
    if (stop === null && !isMarket && t.timeInForce === 'GTC' && taker.remaining > 0) {
      const keep = lockFor(t, taker.remaining, market, 0);
      this.ledger.lock(t.accountId, pay, keep - funds);
      t.status = t.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'NEW';
      this.rest(taker);
    } else {
      this.ledger.lock(t.accountId, pay, -funds);
      const quoteSized = t.quoteQuantity > 0;
      const spentQuote = quoteSized && (quoteLeft === 0 || (stop === 'QUOTE_SPENT' && t.filledQuantity > 0));
      if (taker.remaining === 0 || spentQuote) {
        t.status = 'FILLED';
      } else {
        t.status = 'EXPIRED';
        t.reason =
          stop === 'SELF_TRADE'
            ? 'SELF_TRADE_PREVENTION'
            : stop === 'OUT_OF_FUNDS'
              ? 'INSUFFICIENT_FUNDS'
              : isMarket
                ? 'NO_LIQUIDITY'
                : 'IOC_REMAINDER';
      }
    }
    this.report(taker);
  }

  /**
   * Settles one fill at the maker's price; returns its quote cost. A maker of an
   * intact list first ends the list: its sibling expires and the lock shrinks to
   * what the maker keeps resting.
   */
  private fill(taker: ModelOrder, maker: ModelOrder, lots: number, market: Market): number {
    const list = this.listOf(maker);
    if (list !== undefined) {
      this.lists = this.lists.filter((l) => l !== list);
      this.takeOut(list.above === maker ? list.below : list.above, 'EXPIRED', 'ORDER_LIST_SIBLING');
      const keep = lockFor(maker.state, maker.remaining, market, 0);
      this.ledger.lock(maker.state.accountId, payAsset(maker.state.side, market), keep - list.locked);
    }
    const price = maker.state.price;
    const cost = price * lots * market.quotePerTickLot;
    const base = lots * market.basePerLot;
    const takerBuys = taker.state.side === 'BUY';
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = feeUp(base, takerBuys ? market.takerFeeBps : market.makerFeeBps);
    const sellerFee = feeUp(cost, takerBuys ? market.makerFeeBps : market.takerFeeBps);
    const quote = market.quote.symbol;
    const baseAsset = market.base.symbol;
    this.ledger.move(buyer.state.accountId, quote, 0, -cost);
    this.ledger.move(buyer.state.accountId, baseAsset, base - buyerFee, 0);
    this.ledger.move(seller.state.accountId, baseAsset, 0, -base);
    this.ledger.move(seller.state.accountId, quote, cost - sellerFee, 0);
    if (buyerFee > 0) this.ledger.move(this.feeAccountId, baseAsset, buyerFee, 0);
    if (sellerFee > 0) this.ledger.move(this.feeAccountId, quote, sellerFee, 0);

    for (const o of [taker, maker]) {
      o.remaining -= lots;
      o.state.filledQuantity += lots;
      o.state.filledQuote += cost;
    }
    this.levelChanged(market.symbol, maker.state.side === 'BUY', price);
    const tradeId = (this.tradeIds[market.symbol] ?? 0) + 1;
    this.tradeIds[market.symbol] = tradeId;
    this.lastPrice[market.symbol] = price;
    this.events.push({
      type: 'TRADE',
      market: market.symbol,
      tradeId,
      price,
      quantity: lots,
      quoteQuantity: cost,
      buyOrderId: buyer.state.orderId,
      sellOrderId: seller.state.orderId,
      buyerAccountId: buyer.state.accountId,
      sellerAccountId: seller.state.accountId,
      takerSide: taker.state.side,
      buyerFee,
      sellerFee,
    });
    if (maker.remaining === 0) {
      this.open = this.open.filter((o) => o !== maker);
      maker.state.status = 'FILLED';
    } else {
      maker.state.status = 'PARTIALLY_FILLED';
    }
    this.report(maker);
    return cost;
  }

  /**
   * Cancels or expires an open order and gives back what it holds: a resting order
   * what its price and remainder keep, a waiting one what it locked. An order of an
   * intact list releases the list's lock and takes its sibling with it.
   */
  protected endOpen(order: ModelOrder, status: OrderStatus, reason: EndReason): void {
    const market = this.market(order.state.market);
    const pay = payAsset(order.state.side, market);
    const list = this.listOf(order);
    if (list !== undefined) {
      this.lists = this.lists.filter((l) => l !== list);
      this.ledger.lock(order.state.accountId, pay, -list.locked);
      this.takeOut(order, status, reason);
      const sibling = list.above === order ? list.below : list.above;
      this.takeOut(sibling, status, reason === 'CANCELED_BY_USER' ? reason : 'ORDER_LIST_SIBLING');
      return;
    }
    const held = order.waiting ? order.locked : lockFor(order.state, order.remaining, market, 0);
    this.ledger.lock(order.state.accountId, pay, -held);
    this.takeOut(order, status, reason);
  }

  /** Takes an open order off the book or out of the waiting orders, funds untouched, and reports it. */
  protected takeOut(order: ModelOrder, status: OrderStatus, reason: EndReason): void {
    this.open = this.open.filter((o) => o !== order);
    if (!order.waiting) this.levelChanged(order.state.market, order.state.side === 'BUY', order.state.price);
    order.state.status = status;
    order.state.reason = reason;
    this.report(order);
  }

  protected levelChanged(market: string, isBid: boolean, price: number): void {
    const seen = this.changedLevels.some(
      (l) => l.market === market && l.isBid === isBid && l.price === price,
    );
    if (!seen) this.changedLevels.push({ market, isBid, price });
  }

  /** The command's `DEPTH` event: at most one book changes per command. */
  protected closeDepth(): void {
    const changed = this.changedLevels;
    const first = changed[0];
    if (first === undefined) return;
    const lotsAt = (isBid: boolean, price: number): number =>
      this.levels(first.market, isBid).find((l) => l[0] === price)?.[1] ?? 0;
    const updateId = (this.updateIds[first.market] ?? 0) + 1;
    this.updateIds[first.market] = updateId;
    this.events.push({
      type: 'DEPTH',
      market: first.market,
      updateId,
      bids: changed.filter((l) => l.isBid).map((l): Level => [l.price, lotsAt(true, l.price)]),
      asks: changed.filter((l) => !l.isBid).map((l): Level => [l.price, lotsAt(false, l.price)]),
    });
  }

  /** Aggregated levels of one side, best first. */
  private levels(market: string, isBid: boolean): Level[] {
    const totals = new Map<number, number>();
    for (const o of this.open) {
      if (!o.waiting && o.state.market === market && (o.state.side === 'BUY') === isBid) {
        totals.set(o.state.price, (totals.get(o.state.price) ?? 0) + o.remaining);
      }
    }
    return [...totals.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
  }

  /** The best opposite price a buy (or sell) would meet, if any. */
  protected bestOpposite(market: string, isBuy: boolean): number | undefined {
    return this.levels(market, !isBuy)[0]?.[0];
  }
}
