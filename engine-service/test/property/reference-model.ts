/**
 * A slow, obviously correct model of the matching engine, written from the spec in
 * `src/core/README.md` and not from the engine's code: resting orders in one plain
 * array, the best maker found by sorting, balances in a plain object keyed
 * `account/asset`, and every amount that could leave the safe range checked in BigInt.
 *
 * All rejections are decided before anything is changed, so a rejected command
 * cannot leave a trace. It answers with the engine's {@link ExecutionResult} shape so
 * the two can be compared with `toEqual`.
 */
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

const MAX_UNITS = 2n ** 53n - 1n;

/** An order's mutable state: the `ORDER` event fields plus the lots it still wants. */
interface ModelOrder {
  view: Omit<EngineOrderEvent, 'filledQuantity' | 'filledQuote' | 'status' | 'reason'>;
  remaining: number;
  filledQuantity: number;
  filledQuote: number;
  status: OrderStatus;
  reason: EndReason | null;
}

interface Holding {
  available: number;
  locked: number;
}

interface PendingWithdrawal {
  id: number;
  accountId: string;
  asset: string;
  amount: number;
}

/** Why matching stopped before the book or the taker's lots ran out. */
type MatchStop = 'SELF_TRADE' | 'QUOTE_SPENT' | 'OUT_OF_FUNDS' | null;

/** What one accepted command has done so far, for the events that close it. */
interface CommandEffects {
  events: EngineEvent[];
  /** Balances in the order first touched, with their values before the command. */
  touched: { key: string; before: Holding }[];
  /** Book levels in the order first changed. */
  changedLevels: { market: string; isBid: boolean; price: number }[];
}

export interface ModelDepth {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}

export class ReferenceModel {
  private resting: ModelOrder[] = [];
  private readonly holdings: Record<string, Holding> = {};
  private readonly supply: Record<string, bigint> = {};
  private pending: PendingWithdrawal[] = [];
  private readonly updateIds: Record<string, number> = {};
  private readonly tradeIds: Record<string, number> = {};
  private effects: CommandEffects = { events: [], touched: [], changedLevels: [] };

  constructor(
    private readonly registry: MarketRegistry,
    private readonly feeAccountId: string,
  ) {}

  execute(command: EngineCommand, seq: number, time: number): ExecutionResult {
    this.effects = { events: [], touched: [], changedLevels: [] };
    const code = this.apply(command, seq, time);
    if (code !== null) return { seq, time, code, events: [] };
    this.closeDepth();
    const events = [...this.effects.events, ...this.balanceEvents(command.type)];
    return { seq, time, code: null, events };
  }

  balance(accountId: string, asset: string): Holding {
    const h = this.holdings[`${accountId}/${asset}`];
    return { available: h?.available ?? 0, locked: h?.locked ?? 0 };
  }

  depth(market: string): ModelDepth {
    return {
      lastUpdateId: this.updateIds[market] ?? 0,
      bids: this.levels(market, true),
      asks: this.levels(market, false),
    };
  }

  /** An account's resting orders, oldest first. */
  openOrders(accountId: string): EngineOrderEvent[] {
    return this.resting
      .filter((o) => o.view.accountId === accountId)
      .sort((a, b) => a.view.orderId - b.view.orderId)
      .map(orderEvent);
  }

  private apply(command: EngineCommand, seq: number, time: number): RejectCode | null {
    switch (command.type) {
      case 'CREATE_ORDER':
        return this.createOrder(command, seq, time);
      case 'CANCEL_ORDER':
        return this.cancelOrder(command);
      case 'CANCEL_ALL':
        return this.cancelAll(command);
      case 'DEPOSIT':
        return this.deposit(command);
      case 'WITHDRAW':
        return this.withdraw(command, seq);
      case 'SETTLE_WITHDRAWAL':
        return this.settleWithdrawal(command);
      default:
        throw new Error(`the reference model has no ${command.type}`);
    }
  }

  // --- orders ---------------------------------------------------------------

  private createOrder(c: EngineCreateOrder, seq: number, time: number): RejectCode | null {
    const market = this.registry.market(c.market);
    if (market === undefined) return 'UNKNOWN_MARKET';
    const filter = filterVerdict(c, market);
    if (filter !== null) return filter;
    const isBuy = c.side === 'BUY';
    const opposite = this.levels(c.market, !isBuy)[0];
    if (c.postOnly && opposite !== undefined && (isBuy ? c.price >= opposite[0] : c.price <= opposite[0])) {
      return 'WOULD_TAKE';
    }
    const duplicate = this.resting.some(
      (o) =>
        o.view.accountId === c.accountId &&
        o.view.market === c.market &&
        c.clientOrderId !== null &&
        o.view.clientOrderId === c.clientOrderId,
    );
    if (duplicate) return 'DUPLICATE_CLIENT_ORDER_ID';
    const payAsset = isBuy ? market.quote.symbol : market.base.symbol;
    const available = this.balance(c.accountId, payAsset).available;
    const lock = amountToLock(c, market, available);
    if (lock === 0 || lock > available) return 'INSUFFICIENT_FUNDS';

    const taker: ModelOrder = {
      view: {
        type: 'ORDER',
        market: c.market,
        orderId: seq,
        accountId: c.accountId,
        clientOrderId: c.clientOrderId,
        side: c.side,
        orderType: c.orderType,
        timeInForce: c.timeInForce,
        postOnly: c.postOnly,
        selfTradePrevention: c.selfTradePrevention,
        price: c.price,
        quantity: c.quantity,
        quoteQuantity: c.quoteQuantity,
        createdAt: time,
        stopPrice: 0,
        trailingDelta: 0,
        workingTime: time,
        orderListId: -1,
        listClientOrderId: null,
      },
      remaining: c.quantity > 0 ? c.quantity : Number.POSITIVE_INFINITY,
      filledQuantity: 0,
      filledQuote: 0,
      status: 'NEW',
      reason: null,
    };
    if (c.timeInForce === 'FOK' && !this.canFillCompletely(taker)) {
      taker.status = 'EXPIRED';
      taker.reason = 'FOK_UNFILLABLE';
      this.effects.events.push(orderEvent(taker));
      return null;
    }
    this.move(c.accountId, payAsset, -lock, lock);
    this.matchAndFinish(taker, market, payAsset, lock);
    return null;
  }

  /** The spec's fill-or-kill walk: best price first, oldest first, within the limit. */
  private canFillCompletely(taker: ModelOrder): boolean {
    let lots = 0;
    for (const maker of this.queue(taker)) {
      if (maker.view.accountId === taker.view.accountId) {
        if (taker.view.selfTradePrevention === 'EXPIRE_MAKER') continue;
        return false;
      }
      lots += maker.remaining;
      if (lots >= taker.view.quantity) return true;
    }
    return false;
  }

  /** Opposite resting orders the taker may trade with, in priority order. */
  private queue(taker: ModelOrder): ModelOrder[] {
    const v = taker.view;
    const isBuy = v.side === 'BUY';
    return this.resting
      .filter((o) => o.view.market === v.market && o.view.side !== v.side)
      .filter((o) => v.orderType === 'MARKET' || (isBuy ? o.view.price <= v.price : o.view.price >= v.price))
      .sort((a, b) =>
        a.view.price !== b.view.price
          ? isBuy
            ? a.view.price - b.view.price
            : b.view.price - a.view.price
          : a.view.orderId - b.view.orderId,
      );
  }

  private matchAndFinish(taker: ModelOrder, market: Market, payAsset: string, locked: number): void {
    const v = taker.view;
    const isBuy = v.side === 'BUY';
    const isMarket = v.orderType === 'MARKET';
    let funds = locked;
    let quoteLeft = v.quoteQuantity;
    let stop: MatchStop = null;

    while (taker.remaining > 0) {
      // The best maker is looked up afresh each time: one that a bounded fill left with
      // lots is still first in line, so a bound of 0 stops matching right there.
      const maker = this.queue(taker)[0];
      if (maker === undefined) break;
      let lots = Math.min(taker.remaining, maker.remaining);
      if (isMarket) {
        const costPerLot = maker.view.price * market.quotePerTickLot;
        if (v.quoteQuantity > 0) {
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
      if (maker.view.accountId === v.accountId) {
        const mode = v.selfTradePrevention;
        if (mode === 'EXPIRE_MAKER' || mode === 'EXPIRE_BOTH') {
          this.endResting(maker, 'EXPIRED', 'SELF_TRADE_PREVENTION');
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

    const rests = stop === null && !isMarket && v.timeInForce === 'GTC' && taker.remaining > 0;
    if (rests) {
      const keep = isBuy
        ? v.price * taker.remaining * market.quotePerTickLot
        : taker.remaining * market.basePerLot;
      this.move(v.accountId, payAsset, funds - keep, keep - funds);
      taker.status = taker.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'NEW';
      this.resting.push(taker);
      this.levelChanged(v.market, isBuy, v.price);
    } else {
      this.move(v.accountId, payAsset, funds, -funds);
      const quoteSized = v.quoteQuantity > 0;
      const spentQuote =
        quoteSized && (quoteLeft === 0 || (stop === 'QUOTE_SPENT' && taker.filledQuantity > 0));
      if (taker.remaining === 0 || spentQuote) {
        taker.status = 'FILLED';
      } else {
        taker.status = 'EXPIRED';
        taker.reason =
          stop === 'SELF_TRADE'
            ? 'SELF_TRADE_PREVENTION'
            : stop === 'OUT_OF_FUNDS'
              ? 'INSUFFICIENT_FUNDS'
              : isMarket
                ? 'NO_LIQUIDITY'
                : 'IOC_REMAINDER';
      }
    }
    this.effects.events.push(orderEvent(taker));
  }

  /** Settles one fill at the maker's price; returns its quote cost. */
  private fill(taker: ModelOrder, maker: ModelOrder, lots: number, market: Market): number {
    const price = maker.view.price;
    const cost = price * lots * market.quotePerTickLot;
    const base = lots * market.basePerLot;
    const takerBuys = taker.view.side === 'BUY';
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = feeUp(base, takerBuys ? market.takerFeeBps : market.makerFeeBps);
    const sellerFee = feeUp(cost, takerBuys ? market.makerFeeBps : market.takerFeeBps);
    const quote = market.quote.symbol;
    const baseAsset = market.base.symbol;
    this.move(buyer.view.accountId, quote, 0, -cost);
    this.move(buyer.view.accountId, baseAsset, base - buyerFee, 0);
    this.move(seller.view.accountId, baseAsset, 0, -base);
    this.move(seller.view.accountId, quote, cost - sellerFee, 0);
    if (buyerFee > 0) this.move(this.feeAccountId, baseAsset, buyerFee, 0);
    if (sellerFee > 0) this.move(this.feeAccountId, quote, sellerFee, 0);

    for (const o of [taker, maker]) {
      o.remaining -= lots;
      o.filledQuantity += lots;
      o.filledQuote += cost;
    }
    this.levelChanged(market.symbol, maker.view.side === 'BUY', price);
    const tradeId = (this.tradeIds[market.symbol] ?? 0) + 1;
    this.tradeIds[market.symbol] = tradeId;
    this.effects.events.push({
      type: 'TRADE',
      market: market.symbol,
      tradeId,
      price,
      quantity: lots,
      quoteQuantity: cost,
      buyOrderId: buyer.view.orderId,
      sellOrderId: seller.view.orderId,
      buyerAccountId: buyer.view.accountId,
      sellerAccountId: seller.view.accountId,
      takerSide: taker.view.side,
      buyerFee,
      sellerFee,
    });
    if (maker.remaining === 0) {
      this.resting = this.resting.filter((o) => o !== maker);
      maker.status = 'FILLED';
    } else {
      maker.status = 'PARTIALLY_FILLED';
    }
    this.effects.events.push(orderEvent(maker));
    return cost;
  }

  /** Takes a resting order off the book, gives back what it kept locked, reports it. */
  private endResting(order: ModelOrder, status: OrderStatus, reason: EndReason): void {
    const market = this.registry.market(order.view.market) as Market;
    const isBuy = order.view.side === 'BUY';
    const kept = isBuy
      ? order.view.price * order.remaining * market.quotePerTickLot
      : order.remaining * market.basePerLot;
    this.move(order.view.accountId, isBuy ? market.quote.symbol : market.base.symbol, kept, -kept);
    this.resting = this.resting.filter((o) => o !== order);
    this.levelChanged(market.symbol, isBuy, order.view.price);
    order.status = status;
    order.reason = reason;
    this.effects.events.push(orderEvent(order));
  }

  private cancelOrder(c: EngineCancelOrder): RejectCode | null {
    if (this.registry.market(c.market) === undefined) return 'UNKNOWN_MARKET';
    const order =
      c.orderId !== null
        ? this.resting.find((o) => o.view.orderId === c.orderId)
        : this.resting.find(
            (o) =>
              o.view.accountId === c.accountId &&
              o.view.market === c.market &&
              c.clientOrderId !== null &&
              o.view.clientOrderId === c.clientOrderId,
          );
    if (order === undefined || order.view.accountId !== c.accountId || order.view.market !== c.market) {
      return 'UNKNOWN_ORDER';
    }
    this.endResting(order, 'CANCELED', 'CANCELED_BY_USER');
    return null;
  }

  private cancelAll(c: EngineCancelAll): RejectCode | null {
    if (this.registry.market(c.market) === undefined) return 'UNKNOWN_MARKET';
    const mine = this.resting
      .filter((o) => o.view.accountId === c.accountId && o.view.market === c.market)
      .sort((a, b) => a.view.orderId - b.view.orderId);
    for (const order of mine) this.endResting(order, 'CANCELED', 'CANCELED_BY_USER');
    return null;
  }

  // --- funds ----------------------------------------------------------------

  private deposit(c: EngineDeposit): RejectCode | null {
    if (this.registry.asset(c.asset) === undefined) return 'UNKNOWN_ASSET';
    if (!isAmount(c.amount)) return 'AMOUNT_OUT_OF_RANGE';
    const supply = (this.supply[c.asset] ?? 0n) + BigInt(c.amount);
    if (supply > MAX_UNITS) return 'AMOUNT_OUT_OF_RANGE';
    this.supply[c.asset] = supply;
    this.move(c.accountId, c.asset, c.amount, 0);
    return null;
  }

  private withdraw(c: EngineWithdraw, seq: number): RejectCode | null {
    if (this.registry.asset(c.asset) === undefined) return 'UNKNOWN_ASSET';
    if (!isAmount(c.amount)) return 'AMOUNT_OUT_OF_RANGE';
    if (this.balance(c.accountId, c.asset).available < c.amount) return 'INSUFFICIENT_FUNDS';
    this.pending.push({ id: seq, accountId: c.accountId, asset: c.asset, amount: c.amount });
    this.effects.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: seq,
      accountId: c.accountId,
      asset: c.asset,
      amount: c.amount,
      status: 'PENDING',
    });
    this.move(c.accountId, c.asset, -c.amount, c.amount);
    return null;
  }

  private settleWithdrawal(c: EngineSettleWithdrawal): RejectCode | null {
    const w = this.pending.find((p) => p.id === c.withdrawalId && p.accountId === c.accountId);
    if (w === undefined) return 'UNKNOWN_WITHDRAWAL';
    this.pending = this.pending.filter((p) => p !== w);
    this.effects.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: w.id,
      accountId: w.accountId,
      asset: w.asset,
      amount: w.amount,
      status: c.outcome,
    });
    if (c.outcome === 'COMPLETED') {
      this.supply[w.asset] = (this.supply[w.asset] ?? 0n) - BigInt(w.amount);
      this.move(w.accountId, w.asset, 0, -w.amount);
    } else {
      this.move(w.accountId, w.asset, w.amount, -w.amount);
    }
    return null;
  }

  // --- bookkeeping ----------------------------------------------------------

  /** Changes one balance, remembering its value before the command on first touch. */
  private move(accountId: string, asset: string, availableDelta: number, lockedDelta: number): void {
    if (availableDelta === 0 && lockedDelta === 0) return;
    const key = `${accountId}/${asset}`;
    const h = this.holdings[key] ?? { available: 0, locked: 0 };
    this.holdings[key] = h;
    if (!this.effects.touched.some((t) => t.key === key))
      this.effects.touched.push({ key, before: { ...h } });
    h.available += availableDelta;
    h.locked += lockedDelta;
  }

  private balanceEvents(cause: EngineCommand['type']): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const { key, before } of this.effects.touched) {
      const now = this.holdings[key] as Holding;
      if (now.available === before.available && now.locked === before.locked) continue;
      const slash = key.lastIndexOf('/');
      events.push({
        type: 'BALANCE',
        accountId: key.slice(0, slash),
        asset: key.slice(slash + 1),
        available: now.available,
        locked: now.locked,
        availableDelta: now.available - before.available,
        lockedDelta: now.locked - before.locked,
        cause,
      });
    }
    return events;
  }

  private levelChanged(market: string, isBid: boolean, price: number): void {
    const seen = this.effects.changedLevels.some(
      (l) => l.market === market && l.isBid === isBid && l.price === price,
    );
    if (!seen) this.effects.changedLevels.push({ market, isBid, price });
  }

  /** The command's `DEPTH` event: at most one book changes per command. */
  private closeDepth(): void {
    const changed = this.effects.changedLevels;
    const first = changed[0];
    if (first === undefined) return;
    const lotsAt = (isBid: boolean, price: number): number =>
      this.resting
        .filter(
          (o) =>
            o.view.market === first.market && (o.view.side === 'BUY') === isBid && o.view.price === price,
        )
        .reduce((sum, o) => sum + o.remaining, 0);
    const updateId = (this.updateIds[first.market] ?? 0) + 1;
    this.updateIds[first.market] = updateId;
    this.effects.events.push({
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
    for (const o of this.resting) {
      if (o.view.market === market && (o.view.side === 'BUY') === isBid) {
        totals.set(o.view.price, (totals.get(o.view.price) ?? 0) + o.remaining);
      }
    }
    return [...totals.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
  }
}

/**
 * The market filters, in the spec's order: a bad combination, then price, lots,
 * values past 2^53−1, and values under the minimum notional.
 */
export function filterVerdict(c: EngineCreateOrder, market: Market): RejectCode | null {
  const isLimit = c.orderType === 'LIMIT';
  const badCombination = isLimit
    ? c.quoteQuantity !== 0 || (c.postOnly && c.timeInForce !== 'GTC')
    : c.price !== 0 ||
      c.postOnly ||
      c.timeInForce !== 'IOC' ||
      (c.quantity !== 0) === (c.quoteQuantity !== 0);
  if (badCombination) return 'INVALID_ORDER';
  if (isLimit && !inRange(c.price, market.maxPriceTicks)) return 'PRICE_FILTER';
  if ((isLimit || c.quantity !== 0) && !inRange(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
  if (!isLimit && c.quoteQuantity !== 0 && !(Number.isInteger(c.quoteQuantity) && c.quoteQuantity > 0)) {
    return 'INVALID_ORDER';
  }
  const notional = isLimit
    ? BigInt(c.price) * BigInt(c.quantity) * BigInt(market.quotePerTickLot)
    : BigInt(c.quoteQuantity);
  const base = BigInt(c.quantity) * BigInt(market.basePerLot);
  if (notional > MAX_UNITS || base > MAX_UNITS) return 'MAX_NOTIONAL';
  if ((isLimit || c.quoteQuantity !== 0) && notional < BigInt(market.minNotional)) return 'MIN_NOTIONAL';
  return null;
}

/** The spec's `createAndLockFunds` amount, in the paying asset. */
function amountToLock(c: EngineCreateOrder, market: Market, available: number): number {
  const isBuy = c.side === 'BUY';
  if (c.orderType === 'LIMIT') {
    return isBuy ? c.price * c.quantity * market.quotePerTickLot : c.quantity * market.basePerLot;
  }
  if (isBuy) return c.quoteQuantity > 0 ? c.quoteQuantity : available;
  return c.quantity > 0 ? c.quantity * market.basePerLot : available;
}

function orderEvent(o: ModelOrder): EngineOrderEvent {
  return {
    ...o.view,
    filledQuantity: o.filledQuantity,
    filledQuote: o.filledQuote,
    status: o.status,
    reason: o.reason,
  };
}

/** `⌈amount × bps / 10000⌉`. */
function feeUp(amount: number, bps: number): number {
  return Number((BigInt(amount) * BigInt(bps) + 9_999n) / 10_000n);
}

/** `⌊amount / unit⌋`. */
function wholeTimes(amount: number, unit: number): number {
  return Number(BigInt(amount) / BigInt(unit));
}

function inRange(x: number, max: number): boolean {
  return Number.isInteger(x) && x >= 1 && x <= max;
}

function isAmount(x: number): boolean {
  return Number.isInteger(x) && x >= 1 && BigInt(x) <= MAX_UNITS;
}
