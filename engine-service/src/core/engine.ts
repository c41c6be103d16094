import type {
  EndReason,
  EngineCancelAll,
  EngineCancelOrder,
  EngineCommand,
  EngineCreateOrder,
  EngineDeposit,
  EngineEvent,
  EngineOrderEvent,
  EngineSettleWithdrawal,
  EngineWithdraw,
  ExecutionResult,
  Level,
  Market,
  MarketRegistry,
  OrderStatus,
  RejectCode,
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
import type { PriceLevel } from './price-level.js';
import { type EngineSnapshot, readSnapshot, writeSnapshot } from './snapshot.js';

/** The account that collects trading fees, unless configured otherwise. */
export const FEE_ACCOUNT_ID = 'exchange:fees';

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
  /** Resting orders by id. */
  private readonly orders = new OrderIndex();
  private readonly pool = new OrderPool();
  private lastSeq = 0;
  private lastTime = 0;

  // The command being applied.
  private seq = 0;
  private time = 0;
  private events: EngineEvent[] = [];
  /** What `createAndLockFunds` locked for the order being created. */
  private takerLocked = 0;

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
    const code = this.apply(command);
    this.lastSeq = seq;
    this.lastTime = time;
    if (code === null) this.ledger.flush(command.type, events);
    return new Execution(seq, time, code, events);
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
      default:
        return 'INVALID_COMMAND';
    }
  }

  // --- orders ---------------------------------------------------------------

  private createOrder(c: EngineCreateOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const filterCode = orderFilterCode(c, book.market);
    if (filterCode !== null) return filterCode;
    const isBuy = c.side === 'BUY';
    const opposite = book.side(!isBuy);
    if (c.postOnly && opposite.best !== null && crosses(isBuy, c.price, opposite.best.price)) {
      return 'WOULD_TAKE';
    }
    const account = this.ledger.accounts.get(c.accountId);
    if (
      c.clientOrderId !== null &&
      account?.clientOrders?.has(clientKey(c.market, c.clientOrderId)) === true
    ) {
      return 'DUPLICATE_CLIENT_ORDER_ID';
    }
    const order = this.createAndLockFunds(c, book.market, account);
    if (typeof order === 'string') return order;
    if (order.status === 'EXPIRED') {
      // A fill-or-kill that cannot fill: nothing was locked, nothing changes.
      this.events.push(order.view());
      this.pool.release(order);
      return null;
    }
    this.match(book, order, this.takerLocked);
    this.flushDepth(book);
    return null;
  }

  /**
   * The seed's `createAndLockFunds()`: checks the account can pay for the order and
   * locks what it may spend — a limit buy `price × quantity` of quote, a sell its
   * quantity of base, a market buy its quote amount (or, sized in base, all
   * available quote, the rest returned after matching). A fill-or-kill order that
   * the book cannot fill is created already expired, with nothing locked.
   */
  private createAndLockFunds(
    c: EngineCreateOrder,
    market: Market,
    account: Account | undefined,
  ): Order | RejectCode {
    const isBuy = c.side === 'BUY';
    const pay = account?.balances[isBuy ? market.quote.index : market.base.index];
    if (account === undefined || pay === undefined) return 'INSUFFICIENT_FUNDS';
    const available = pay.available;
    let need: number;
    if (c.orderType === 'LIMIT') {
      need = isBuy ? c.price * c.quantity * market.quotePerTickLot : c.quantity * market.basePerLot;
    } else if (isBuy) {
      need = c.quoteQuantity > 0 ? c.quoteQuantity : available;
    } else {
      need = c.quantity > 0 ? c.quantity * market.basePerLot : available;
    }
    if (need === 0 || need > available) return 'INSUFFICIENT_FUNDS';

    const order = this.pool.acquire(
      this.seq,
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
    if (c.timeInForce === 'FOK' && !this.canFillCompletely(this.bookOf(market).side(!isBuy), order)) {
      order.status = 'EXPIRED';
      order.reason = 'FOK_UNFILLABLE';
      return order;
    }
    this.ledger.lock(pay, need);
    this.takerLocked = need;
    return order;
  }

  /**
   * Matches a new order against the opposite side, best price first and oldest
   * order first within a price; fills at the maker's price. Then rests the
   * remainder (GTC limit) or ends the order, and returns every locked unit the
   * order no longer needs — including price improvement.
   */
  private match(book: OrderBook, taker: Order, locked: number): void {
    const market = book.market;
    const isBuy = taker.side === 'BUY';
    const pay = taker.account.balances[isBuy ? market.quote.index : market.base.index] as Balance;
    const side = book.side(!isBuy);
    const isLimit = taker.orderType === 'LIMIT';
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
          if (mode !== 'EXPIRE_TAKER') this.endResting(book, maker, 'EXPIRED', 'SELF_TRADE_PREVENTION');
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
      taker.account.addOpen(taker);
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

  /** Cancels or expires a resting order: unlocks exactly what its remainder held. */
  private endResting(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason): void {
    const market = book.market;
    if (order.side === 'BUY') {
      const pay = order.account.balances[market.quote.index] as Balance;
      this.ledger.unlock(pay, order.price * order.remaining * market.quotePerTickLot);
    } else {
      const pay = order.account.balances[market.base.index] as Balance;
      this.ledger.unlock(pay, order.remaining * market.basePerLot);
    }
    this.retire(book, order, status, reason);
  }

  /** Takes a resting order out of the book and its account, and reports its final state. */
  private retire(book: OrderBook, order: Order, status: OrderStatus, reason: EndReason | null): void {
    book.unrest(order, this.seq);
    order.account.removeOpen(order);
    this.orders.delete(order);
    order.status = status;
    order.reason = reason;
    this.events.push(order.view());
    this.pool.release(order);
  }

  private cancelOrder(c: EngineCancelOrder): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const order =
      c.orderId !== null
        ? this.orders.get(c.orderId)
        : c.clientOrderId !== null
          ? this.ledger.accounts.get(c.accountId)?.clientOrders?.get(clientKey(c.market, c.clientOrderId))
          : undefined;
    // Another account's order is reported exactly like a missing one.
    if (order === undefined || order.account.id !== c.accountId || order.market !== c.market) {
      return 'UNKNOWN_ORDER';
    }
    this.endResting(book, order, 'CANCELED', 'CANCELED_BY_USER');
    this.flushDepth(book);
    return null;
  }

  private cancelAll(c: EngineCancelAll): RejectCode | null {
    const book = this.books.get(c.market);
    if (book === undefined) return 'UNKNOWN_MARKET';
    const account = this.ledger.accounts.get(c.accountId);
    for (let order = account?.openHead ?? null; order !== null; ) {
      const next: Order | null = order.accountNext;
      if (order.market === c.market) this.endResting(book, order, 'CANCELED', 'CANCELED_BY_USER');
      order = next;
    }
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

  /** A resting order by id. */
  order(orderId: number): EngineOrderEvent | undefined {
    return this.orders.get(orderId)?.view();
  }

  // --- persistence ----------------------------------------------------------

  /** The whole state as plain JSON-safe data; {@link Engine.restore} brings it back. */
  snapshot(): EngineSnapshot {
    return writeSnapshot({
      lastSeq: this.lastSeq,
      lastTime: this.lastTime,
      ledger: this.ledger,
      books: [...this.books.values()],
    });
  }

  /** An engine in exactly the state a snapshot was taken in. */
  static restore(registry: MarketRegistry, snapshot: EngineSnapshot, options: EngineOptions = {}): Engine {
    const engine = new Engine(registry, options);
    const state = readSnapshot(snapshot, registry, engine.ledger, engine.books, engine.pool);
    engine.lastSeq = state.lastSeq;
    engine.lastTime = state.lastTime;
    for (const order of state.orders) engine.orders.add(order);
    return engine;
  }
}

function crosses(isBuy: boolean, price: number, oppositeBest: number): boolean {
  return isBuy ? price >= oppositeBest : price <= oppositeBest;
}

/** The market-filter verdict on an order's integers, before any funds are looked at. */
export function orderFilterCode(c: EngineCreateOrder, market: Market): RejectCode | null {
  if (c.side !== 'BUY' && c.side !== 'SELL') return 'INVALID_ORDER';
  const stp = c.selfTradePrevention;
  if (stp !== 'EXPIRE_MAKER' && stp !== 'EXPIRE_TAKER' && stp !== 'EXPIRE_BOTH') return 'INVALID_ORDER';
  if (c.orderType === 'LIMIT') {
    if (c.timeInForce !== 'GTC' && c.timeInForce !== 'IOC' && c.timeInForce !== 'FOK') return 'INVALID_ORDER';
    if (c.quoteQuantity !== 0 || (c.postOnly && c.timeInForce !== 'GTC')) return 'INVALID_ORDER';
    if (!isCount(c.price, market.maxPriceTicks)) return 'PRICE_FILTER';
    if (!isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    const notional = c.price * c.quantity * market.quotePerTickLot;
    if (notional > MAX_UNITS) return 'MAX_NOTIONAL';
    if (notional < market.minNotional) return 'MIN_NOTIONAL';
  } else if (c.orderType === 'MARKET') {
    if (c.price !== 0 || c.postOnly || c.timeInForce !== 'IOC') return 'INVALID_ORDER';
    if ((c.quantity === 0) === (c.quoteQuantity === 0)) return 'INVALID_ORDER';
    if (c.quantity !== 0 && !isCount(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    if (c.quoteQuantity !== 0) {
      if (!Number.isInteger(c.quoteQuantity) || c.quoteQuantity < 0) return 'INVALID_ORDER';
      if (c.quoteQuantity > MAX_UNITS) return 'MAX_NOTIONAL';
      if (c.quoteQuantity < market.minNotional) return 'MIN_NOTIONAL';
    }
  } else {
    return 'INVALID_ORDER';
  }
  if (c.quantity * market.basePerLot > MAX_UNITS) return 'MAX_NOTIONAL';
  return null;
}
