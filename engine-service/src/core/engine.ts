import {
  type CancelReplaceOutcome,
  type EndReason,
  type EngineAmendOrder,
  type EngineCancelAll,
  type EngineCancelOrder,
  type EngineCancelOrderList,
  type EngineCancelReplace,
  type EngineCommand,
  type EngineCreateOrder,
  type EngineCreateOrderList,
  type EngineDeposit,
  type EngineEvent,
  type EngineOrderEvent,
  type EngineOrderListLeg,
  type EngineSettleWithdrawal,
  type EngineWithdraw,
  type ExecutionResult,
  hasLimitPrice,
  isConditional,
  type Level,
  type Market,
  type MarketRegistry,
  type OrderStatus,
  type RejectCode,
} from '@exchange/protocol';
import { type Account, type Balance, clientKey } from './account.js';
import type { BookSide } from './book-side.js';
import { MAX_BOOK_PRICE } from './book-side.js';
import { Execution, Trade } from './events.js';
import { feeOf, floorDiv, isCount, MAX_UNITS } from './fixed-point.js';
import { Ledger } from './ledger.js';
import { type Order, OrderPool } from './order.js';
import { OrderBook } from './order-book.js';
import { OrderIndex } from './order-index.js';
import { OrderList } from './order-list.js';
import type { PriceLevel } from './price-level.js';
import { type EngineSnapshot, readSnapshot, writeSnapshot } from './snapshot.js';
import { wouldFire } from './stop-book.js';

/** The account that collects trading fees, unless configured otherwise. */
export const FEE_ACCOUNT_ID = 'exchange:fees';

/**
 * At most this many stop orders trigger in one command. Those that would fire beyond it
 * stay waiting and fire, in the same order, at the next command in their market.
 */
export const MAX_TRIGGERS_PER_COMMAND = 1_000;

export interface EngineOptions {
  readonly feeAccountId?: string;
}

/** A market's book as a client sees it: aggregated levels and the update id it reflects. */
export interface DepthView {
  readonly lastUpdateId: number;
  readonly bids: Level[];
  readonly asks: Level[];
}

/**
 * The matching engine: order books, balances and funds locking for every market,
 * as a pure deterministic function of the commands applied to it.
 *
 * No I/O, clock or randomness: order ids are the sequence of the command that
 * created them, trade ids count per market, and every timestamp is the `time` the
 * caller stamped on the command. The same commands therefore always produce the
 * same events and the same state, which is what journal replay relies on.
 *
 * A rejected command leaves the state untouched and yields no events.
 *
 * @example
 * const engine = new Engine(createMarketRegistry());
 * engine.execute({ type: 'DEPOSIT', accountId: 'a', asset: 'USDC', amount: 1_000_000 }, 1, Date.now());
 */
export class Engine {
  readonly ledger: Ledger;
  private readonly books = new Map<string, OrderBook>();
  /** Open orders (resting or waiting) by id. */
  private readonly orders = new OrderIndex();
  /** Order lists with both orders open, by id. */
  private readonly lists = new Map<number, OrderList>();
  private readonly pool = new OrderPool();
  private lastSeq = 0;
  private lastTime = 0;
  /** The last order id given; an order's id is its command's seq, or one more than this when larger. */
  private lastOrderId = 0;

  // The command being applied.
  private seq = 0;
  private time = 0;
  private events: EngineEvent[] = [];
  /** What `createAndLockFunds` locked for the order being created. */
  private takerLocked = 0;
  /** The cancel-replace outcome of the command, if it is one. */
  private outcome: CancelReplaceOutcome | undefined = undefined;

  constructor(
    readonly registry: MarketRegistry,
    options: EngineOptions = {},
  ) {
    this.ledger = new Ledger(registry.assets, options.feeAccountId ?? FEE_ACCOUNT_ID);
    for (const market of registry.markets) {
      if (market.maxPriceTicks > MAX_BOOK_PRICE)
        throw new Error(`${market.symbol}: maxPrice is too many ticks`);
      this.books.set(market.symbol, new OrderBook(market));
    }
  }

  /** Sequence of the last command applied (0 before any). */
  get sequence(): number {
    return this.lastSeq;
  }

  /** The exchange's own account, credited with every fee. */
  get feeAccountId(): string {
    return this.ledger.feeAccount.id;
  }

  /** Time of the last command applied (0 before any). */
  get lastCommandTime(): number {
    return this.lastTime;
  }

  /**
   * Applies one command.
   * @param seq the command's engine sequence number, greater than any before
   * @param time the command's timestamp (ms), stamped by the caller
   * @throws Error only on a caller bug (sequence not increasing)
   */
  execute(command: EngineCommand, seq: number, time: number): ExecutionResult {
    if (!Number.isSafeInteger(seq) || seq <= this.lastSeq) {
      throw new Error(`sequence ${seq} does not follow ${this.lastSeq}`);
    }
    this.seq = seq;
    this.time = time;
    this.ledger.seq = seq;
    const events: EngineEvent[] = [];
    this.events = events;
    this.outcome = undefined;
    const code = this.apply(command);
    this.lastSeq = seq;
    this.lastTime = time;
    if (code === null) this.ledger.flush(command.type, events);
    return this.outcome === undefined
      ? new Execution(seq, time, code, events)
      : new Execution(seq, time, code, events, this.outcome);
  }

  private apply(command: EngineCommand): RejectCode | null {
    switch (command.type) {
      case 'CREATE_ORDER':
        return this.createOrder(command);
      case 'CANCEL_ORDER':
        return this.cancelOrder(command);
      case 'CANCEL_ALL':
        return this.cancelAll(command);
      case 'DEPOSIT':
        return this.deposit(command);
      case 'WITHDRAW':
        return this.withdraw(command);
      case 'SETTLE_WITHDRAWAL':
        return this.settleWithdrawal(command);
      case 'AMEND_ORDER':
        return this.amendOrder(command);
      case 'CANCEL_REPLACE':
        return this.cancelReplace(command);
      case 'CREATE_ORDER_LIST':
        return this.createOrderList(command);
      case 'CANCEL_ORDER_LIST':
        return this.cancelOrderList(command);
      default:
        return 'INVALID_COMMAND';
    }
  }

  // --- orders ---------------------------------------------------------------

  private createOrder(c: EngineCreateOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const code = this.placeOrder(book, c);
    if (code === null) this.flushDepth(book);
    return code;
  }

  /** Checks, locks and places one order: it matches, rests, or waits for its trigger. */
  private placeOrder(book: OrderBook, c: EngineCreateOrder): RejectCode | null {
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
    const order = this.createAndLockFunds(c, market, account, conditional);
    if (typeof order === 'string') return order;
    if (conditional) {
      order.stopPrice = stopPrice;
      order.trailingDelta = c.trailingDelta ?? 0;
      order.locked = this.takerLocked;
      this.wait(book, order);
      this.events.push(order.view());
    } else if (order.status === 'EXPIRED') {
      // A fill-or-kill that cannot fill: nothing was locked, nothing changes.
      this.events.push(order.view());
      this.pool.release(order);
    } else {
      this.match(book, order, this.takerLocked);
    }
    this.runTriggers(book);
    return null;
  }

  /** The id of an order created now: the command's seq, unless an order list already took it. */
  private nextOrderId(): number {
    this.lastOrderId = this.seq > this.lastOrderId ? this.seq : this.lastOrderId + 1;
    return this.lastOrderId;
  }

  /**
   * The seed's `createAndLockFunds()`: checks the account can pay for the order and
   * locks what it may spend — a limit buy `price × quantity` of quote, a sell its
   * quantity of base, a market buy its quote amount (or, sized in base, all
   * available quote, the rest returned after matching). A stop or take-profit order
   * locks, when accepted, what the order it becomes would. A fill-or-kill order that
   * the book cannot fill is created already expired, with nothing locked.
   */
  private createAndLockFunds(
    c: EngineCreateOrder,
    market: Market,
    account: Account | undefined,
    conditional: boolean,
  ): Order | RejectCode {
    const isBuy = c.side === 'BUY';
    const pay = account?.balances[isBuy ? market.quote.index : market.base.index];
    if (account === undefined || pay === undefined) return 'INSUFFICIENT_FUNDS';
    const need = fundsNeeded(c, c.quantity, market, pay.available);
    if (need === 0 || need > pay.available) return 'INSUFFICIENT_FUNDS';

    const order = this.pool.acquire(
      this.nextOrderId(),
      account,
      market.symbol,
      c.side,
      c.orderType,
      c.timeInForce,
      c.postOnly,
      c.selfTradePrevention,
      c.price,
      c.quantity,
      c.quoteQuantity,
      c.clientOrderId,
      this.time,
    );
    if (
      !conditional &&
      c.timeInForce === 'FOK' &&
      !this.canFillCompletely(this.bookOf(market).side(!isBuy), order)
    ) {
      order.status = 'EXPIRED';
      order.reason = 'FOK_UNFILLABLE';
      return order;
    }
    this.ledger.lock(pay, need);
    this.takerLocked = need;
    return order;
  }

  /** Puts an accepted stop or take-profit order in its book's waiting orders. */
  private wait(book: OrderBook, order: Order): void {
    const index = book.market.index;
    order.workingTime = -1;
    book.stops.add(order);
    order.account.addOpen(order, index);
    order.account.waitingIn[index] = (order.account.waitingIn[index] ?? 0) + 1;
    this.orders.add(order);
  }

  /** Takes a waiting order out of its book's waiting orders (not its funds). */
  private unwait(book: OrderBook, order: Order): void {
    const index = book.market.index;
    order.account.removeOpen(order, index);
    order.account.waitingIn[index] = (order.account.waitingIn[index] as number) - 1;
    this.orders.delete(order);
  }

  /**
   * Fires the stop orders the market's last trade price reaches, one at a time and in
   * the stop book's order; each one's fills move the price and may fire more (a
   * cascade), up to {@link MAX_TRIGGERS_PER_COMMAND} in one command.
   */
  private runTriggers(book: OrderBook): void {
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
      this.ledger.unlock(this.payOf(book.market, order), order.locked - exact);
      order.locked = exact;
    }
    this.unwait(book, order);
    order.workingTime = this.time;
    this.events.push(order.view());
    const locked = order.locked;
    order.locked = 0;
    if (order.timeInForce === 'FOK' && !this.canFillCompletely(book.side(order.side !== 'BUY'), order)) {
      this.ledger.unlock(this.payOf(book.market, order), locked);
      order.status = 'EXPIRED';
      order.reason = 'FOK_UNFILLABLE';
      this.events.push(order.view());
      this.pool.release(order);
      return;
    }
    this.match(book, order, locked);
  }

  /** The balance an order pays with. */
  private payOf(market: Market, order: Order): Balance {
    return order.account.balances[order.side === 'BUY' ? market.quote.index : market.base.index] as Balance;
  }

  /**
   * Matches a working order against the opposite side, best price first and oldest
   * order first within a price; fills at the maker's price. Then rests the
   * remainder (GTC limit) or ends the order, and returns every locked unit the
   * order no longer needs — including price improvement.
   */
  private match(book: OrderBook, taker: Order, locked: number): void {
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
      book.rest(taker, this.seq);
      taker.account.addOpen(taker, market.index);
      this.orders.add(taker);
      this.events.push(taker.view());
    } else {
      this.ledger.unlock(pay, funds);
      if (taker.remaining === 0 || quoteLeft === 0 || (stop === 'SPENT' && taker.filledQuantity > 0)) {
        taker.status = 'FILLED';
      } else {
        taker.status = 'EXPIRED';
        taker.reason =
          stop === null || stop === 'SPENT' ? (isLimit ? 'IOC_REMAINDER' : 'NO_LIQUIDITY') : stop;
      }
      this.events.push(taker.view());
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
      this.events.push(maker.view());
    }
  }

  /**
   * The resting order of an intact OCO list starts executing: its sibling expires
   * and the list's lock shrinks to what this order needs as a resting limit order.
   */
  private executeListOrder(book: OrderBook, order: Order): void {
    const list = order.list as OrderList;
    this.closeList(list);
    this.takeOpen(book, list.other(order), 'EXPIRED', 'ORDER_LIST_SIBLING');
    const keep = fundsNeeded(order, order.remaining, book.market, 0);
    this.ledger.unlock(this.payOf(book.market, order), list.locked - keep);
  }

  /** Would a fill-or-kill order fill completely right now (self-trade prevention included)? */
  private canFillCompletely(side: BookSide, taker: Order): boolean {
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

  /**
   * Cancels or expires an open order — resting or waiting — and unlocks exactly what
   * it held. An order of an intact OCO list takes its sibling with it: the list's one
   * lock is released.
   */
  private endOpen(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason): void {
    const list = order.list;
    if (list !== null) {
      this.closeList(list);
      this.ledger.unlock(this.payOf(book.market, order), list.locked);
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
    this.ledger.unlock(this.payOf(book.market, order), held);
    this.takeOpen(book, order, status, reason);
  }

  /** Takes an open order out of the book or the waiting orders, without touching funds, and reports it. */
  private takeOpen(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason | null): void {
    if (order.waiting) {
      book.stops.remove(order);
      this.unwait(book, order);
      order.status = status;
      order.reason = reason;
      this.events.push(order.view());
      this.pool.release(order);
    } else {
      this.retire(book, order, status, reason);
    }
  }

  /** An order list stops holding its orders together (one executes, or both end). */
  private closeList(list: OrderList): void {
    list.above.list = null;
    list.below.list = null;
    this.lists.delete(list.id);
  }

  /** Takes a resting order out of the book and its account, and reports its final state. */
  private retire(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason | null): void {
    book.unrest(order, this.seq);
    order.account.removeOpen(order, book.market.index);
    this.orders.delete(order);
    order.status = status;
    order.reason = reason;
    this.events.push(order.view());
    this.pool.release(order);
  }

  /** An open order of the account in the market, by id or client order id. */
  private findOpen(market: string, accountId: string, orderId: number | null, clientOrderId: string | null) {
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

  private cancelOrder(c: EngineCancelOrder): RejectCode | null {
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

  private cancelAll(c: EngineCancelAll): RejectCode | null {
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
   * Reduces an open order's quantity in place: a resting order keeps its place in its
   * level's queue, and the funds the removed lots held are unlocked. Both orders of
   * an intact OCO list share one quantity, so both are reduced.
   */
  private amendOrder(c: EngineAmendOrder): RejectCode | null {
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
    const pay = this.payOf(market, order);
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
    this.events.push(order.view());
  }

  /**
   * Cancels one order and places another as one command. `STOP_ON_FAILURE` places
   * nothing when the cancel fails; `ALLOW_FAILURE` places the order anyway. The
   * command is rejected (nothing changed) only when neither half succeeded.
   */
  private cancelReplace(c: EngineCancelReplace): RejectCode | null {
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

  /**
   * Places an OCO list: both orders are checked as if placed alone, then one lock is
   * taken for the two — the larger of what each would lock — and the limit order
   * rests while the stop order waits (or both wait).
   */
  private createOrderList(c: EngineCreateOrderList): RejectCode | null {
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
      const order = this.pool.acquire(
        this.nextOrderId(),
        account,
        market.symbol,
        c.side,
        leg.orderType,
        leg.timeInForce,
        leg.postOnly,
        c.selfTradePrevention,
        leg.price,
        c.quantity,
        0,
        leg.clientOrderId,
        this.time,
      );
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
        book.rest(order, this.seq);
        order.account.addOpen(order, market.index);
        this.orders.add(order);
      }
      this.events.push(order.view());
    }
    this.flushDepth(book);
    return null;
  }

  private cancelOrderList(c: EngineCancelOrderList): RejectCode | null {
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

  /** Emits the book's depth diff for this command, if it changed. */
  private flushDepth(book: OrderBook): void {
    const diff = book.takeDiff();
    if (diff !== null) this.events.push(diff);
  }

  // --- funds ----------------------------------------------------------------

  private deposit(c: EngineDeposit): RejectCode | null {
    const asset = this.registry.asset(c.asset);
    if (asset === undefined) return 'UNKNOWN_ASSET';
    if (!isCount(c.amount, MAX_UNITS) || !this.ledger.canMint(asset.index, c.amount))
      return 'AMOUNT_OUT_OF_RANGE';
    this.ledger.mint(this.ledger.accountFor(c.accountId), asset.index, c.amount);
    return null;
  }

  private withdraw(c: EngineWithdraw): RejectCode | null {
    const asset = this.registry.asset(c.asset);
    if (asset === undefined) return 'UNKNOWN_ASSET';
    if (!isCount(c.amount, MAX_UNITS)) return 'AMOUNT_OUT_OF_RANGE';
    const account = this.ledger.accounts.get(c.accountId);
    const balance = account?.balances[asset.index];
    if (account === undefined || balance === undefined || balance.available < c.amount) {
      return 'INSUFFICIENT_FUNDS';
    }
    this.ledger.lock(balance, c.amount);
    this.ledger.withdrawals.set(this.seq, { id: this.seq, account, asset, amount: c.amount });
    this.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: this.seq,
      accountId: account.id,
      asset: asset.symbol,
      amount: c.amount,
      status: 'PENDING',
    });
    return null;
  }

  private settleWithdrawal(c: EngineSettleWithdrawal): RejectCode | null {
    const pending = this.ledger.withdrawals.get(c.withdrawalId);
    if (pending === undefined || pending.account.id !== c.accountId) return 'UNKNOWN_WITHDRAWAL';
    const { account, asset, amount } = pending;
    if (c.outcome === 'COMPLETED') {
      this.ledger.burnLocked(account, asset.index, amount);
    } else {
      this.ledger.unlock(account.balances[asset.index] as Balance, amount);
    }
    this.ledger.withdrawals.delete(c.withdrawalId);
    this.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: pending.id,
      accountId: account.id,
      asset: asset.symbol,
      amount,
      status: c.outcome,
    });
    return null;
  }

  // --- queries --------------------------------------------------------------

  private bookOf(market: Market): OrderBook {
    return this.books.get(market.symbol) as OrderBook;
  }

  /** Aggregated levels, best first, and the update id they reflect. */
  depth(market: string, limit = 100): DepthView | undefined {
    const book = this.books.get(market);
    if (book === undefined) return undefined;
    return { lastUpdateId: book.updateId, bids: book.bids.top(limit), asks: book.asks.top(limit) };
  }

  balance(accountId: string, asset: string): { available: number; locked: number } {
    const index = this.registry.asset(asset)?.index;
    const b = index === undefined ? undefined : this.ledger.accounts.get(accountId)?.balances[index];
    return { available: b?.available ?? 0, locked: b?.locked ?? 0 };
  }

  /** An account's resting orders, oldest first, optionally for one market. */
  openOrders(accountId: string, market?: string): EngineOrderEvent[] {
    const out: EngineOrderEvent[] = [];
    for (let o = this.ledger.accounts.get(accountId)?.openHead ?? null; o !== null; o = o.accountNext) {
      if (market === undefined || o.market === market) out.push(o.view());
    }
    return out;
  }

  /** Every account the engine holds, in the order each first appeared. */
  accountIds(): IterableIterator<string> {
    return this.ledger.accounts.keys();
  }

  /** An open order (resting or waiting) by id. */
  order(orderId: number): EngineOrderEvent | undefined {
    return this.orders.get(orderId)?.view();
  }

  // --- persistence ----------------------------------------------------------

  /** The whole state as plain JSON-safe data; {@link Engine.restore} brings it back. */
  snapshot(): EngineSnapshot {
    return writeSnapshot({
      lastSeq: this.lastSeq,
      lastTime: this.lastTime,
      lastOrderId: this.lastOrderId,
      ledger: this.ledger,
      books: [...this.books.values()],
      lists: this.lists.values(),
    });
  }

  /** An engine in exactly the state a snapshot was taken in. */
  static restore(registry: MarketRegistry, snapshot: EngineSnapshot, options: EngineOptions = {}): Engine {
    const engine = new Engine(registry, options);
    const state = readSnapshot(snapshot, registry, engine.ledger, engine.books, engine.pool);
    engine.lastSeq = state.lastSeq;
    engine.lastTime = state.lastTime;
    engine.lastOrderId = state.lastOrderId;
    for (const order of state.orders) engine.orders.add(order);
    for (const list of state.lists) engine.lists.set(list.id, list);
    return engine;
  }
}

function crosses(isBuy: boolean, price: number, oppositeBest: number): boolean {
  return isBuy ? price >= oppositeBest : price <= oppositeBest;
}

/** Would a stop order at `stopPrice` (0: a trailing stop without one) fire at once at the last price? */
function stopFiresAt(order: Pick<Order, 'side' | 'orderType'>, stopPrice: number, last: number): boolean {
  return stopPrice > 0 && wouldFire(order, stopPrice, last);
}

/**
 * What an order of `quantity` lots locks: a priced buy `price × quantity` of quote, a
 * priced sell its base; a market-type buy its quote amount, else all `available`
 * quote; a market-type sell its base, else all `available` base.
 */
export function fundsNeeded(
  o: Pick<EngineCreateOrder, 'side' | 'orderType' | 'price' | 'quoteQuantity'>,
  quantity: number,
  market: Market,
  available: number,
): number {
  const isBuy = o.side === 'BUY';
  if (hasLimitPrice(o.orderType)) {
    return isBuy ? o.price * quantity * market.quotePerTickLot : quantity * market.basePerLot;
  }
  if (isBuy) return o.quoteQuantity > 0 ? o.quoteQuantity : available;
  return quantity > 0 ? quantity * market.basePerLot : available;
}

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

/** The market-filter verdict on an order's integers, before any funds are looked at. */
export function orderFilterCode(c: EngineCreateOrder, market: Market): RejectCode | null {
  if (c.side !== 'BUY' && c.side !== 'SELL') return 'INVALID_ORDER';
  const stp = c.selfTradePrevention;
  if (stp !== 'EXPIRE_MAKER' && stp !== 'EXPIRE_TAKER' && stp !== 'EXPIRE_BOTH') return 'INVALID_ORDER';
  const type = c.orderType;
  const stopPrice = c.stopPrice ?? 0;
  const trailingDelta = c.trailingDelta ?? 0;
  if (type === 'LIMIT' || type === 'MARKET') {
    if (stopPrice !== 0 || trailingDelta !== 0) return 'INVALID_ORDER';
  } else if (hasLimitPrice(type) || type === 'STOP_LOSS' || type === 'TAKE_PROFIT') {
    if (c.postOnly || (stopPrice === 0 && trailingDelta === 0)) return 'INVALID_ORDER';
    if (stopPrice !== 0 && !isCount(stopPrice, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (
      trailingDelta !== 0 &&
      !(isCount(trailingDelta, market.maxTrailingDelta) && trailingDelta >= market.minTrailingDelta)
    ) {
      return 'TRAILING_DELTA';
    }
  } else {
    return 'INVALID_ORDER';
  }
  if (hasLimitPrice(type)) {
    if (c.timeInForce !== 'GTC' && c.timeInForce !== 'IOC' && c.timeInForce !== 'FOK') return 'INVALID_ORDER';
    if (c.quoteQuantity !== 0 || (c.postOnly && c.timeInForce !== 'GTC')) return 'INVALID_ORDER';
    if (!isCount(c.price, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (!isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    const notional = c.price * c.quantity * market.quotePerTickLot;
    if (notional > MAX_UNITS) return 'MAX_NOTIONAL';
    if (notional < market.minNotional) return 'MIN_NOTIONAL';
  } else {
    if (c.price !== 0 || c.postOnly || c.timeInForce !== 'IOC') return 'INVALID_ORDER';
    if ((c.quantity === 0) === (c.quoteQuantity === 0)) return 'INVALID_ORDER';
    if (c.quantity !== 0 && !isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    if (c.quoteQuantity !== 0) {
      if (!Number.isInteger(c.quoteQuantity) || c.quoteQuantity < 0) return 'INVALID_ORDER';
      if (c.quoteQuantity > MAX_UNITS) return 'MAX_NOTIONAL';
      if (c.quoteQuantity < market.minNotional) return 'MIN_NOTIONAL';
    }
  }
  if (c.quantity * market.basePerLot > MAX_UNITS) return 'MAX_NOTIONAL';
  return null;
}
