/**
 * A slow, obviously correct model of the matching engine, written from the spec in
 * `src/core/README.md` and not from the engine's code: orders, stops and lists in
 * plain arrays (`reference-matching.ts`), the next stop to fire found by sorting
 * (`reference-conditional.ts`), funds in a plain object (`reference-ledger.ts`).
 *
 * All rejections are decided before anything is changed, so a rejected command
 * cannot leave a trace. It answers with the engine's {@link ExecutionResult} shape so
 * the two can be compared.
 */
import {
  type CancelReplaceOutcome,
  type EngineAmendOrder,
  type EngineCancelAll,
  type EngineCancelOrder,
  type EngineCancelOrderList,
  type EngineCancelReplace,
  type EngineCommand,
  type EngineCreateOrder,
  type EngineCreateOrderList,
  type ExecutionResult,
  isConditional,
  type Market,
  type RejectCode,
} from '@exchange/protocol';
import {
  followed,
  legOrder,
  listShapeVerdict,
  MAX_TRIGGERS_PER_COMMAND,
  nextToFire,
  reachesStop,
} from './reference-conditional.js';
import { ModelMatching, type ModelOrder } from './reference-matching.js';
import { filterVerdict, inRange, lockFor, payAsset } from './reference-rules.js';

export class ReferenceModel extends ModelMatching {
  private lastOrderId = 0;
  /** Per market, the trade id the waiting orders last looked at. */
  private readonly checkedTradeId: Record<string, number> = {};
  private seq = 0;
  private outcome: CancelReplaceOutcome | undefined;

  execute(command: EngineCommand, seq: number, time: number): ExecutionResult {
    this.begin(time);
    this.seq = seq;
    this.outcome = undefined;
    const code = this.apply(command);
    const events = code === null ? [...this.closedEvents(), ...this.ledger.balanceEvents(command.type)] : [];
    const result = { seq, time, code, events };
    return this.outcome === undefined ? result : { ...result, cancelReplace: this.outcome };
  }

  private closedEvents() {
    this.closeDepth();
    return this.events;
  }

  private apply(command: EngineCommand): RejectCode | null {
    switch (command.type) {
      case 'CREATE_ORDER': {
        const market = this.registry.market(command.market);
        return market === undefined ? 'UNKNOWN_MARKET' : this.placeOrder(command, market);
      }
      case 'CANCEL_ORDER':
        return this.registry.market(command.market) === undefined
          ? 'UNKNOWN_MARKET'
          : this.cancelOrder(command);
      case 'CANCEL_ALL':
        return this.cancelAll(command);
      case 'DEPOSIT':
        return this.ledger.deposit(command);
      case 'WITHDRAW':
        return this.ledger.withdraw(command, this.seq, this.events);
      case 'SETTLE_WITHDRAWAL':
        return this.ledger.settleWithdrawal(command, this.events);
      case 'AMEND_ORDER':
        return this.amendOrder(command);
      case 'CANCEL_REPLACE':
        return this.cancelReplace(command);
      case 'CREATE_ORDER_LIST':
        return this.createOrderList(command);
      case 'CANCEL_ORDER_LIST':
        return this.cancelOrderList(command);
    }
  }

  /** The id of an order created now: the command's seq, or one past the last id when a list took it. */
  private nextOrderId(): number {
    this.lastOrderId = Math.max(this.seq, this.lastOrderId + 1);
    return this.lastOrderId;
  }

  private newOrder(c: EngineCreateOrder, listId: number, listClientId: string | null): ModelOrder {
    const conditional = isConditional(c.orderType);
    const trailingDelta = c.trailingDelta ?? 0;
    const stopPrice = c.stopPrice ?? 0;
    return {
      state: {
        type: 'ORDER',
        market: c.market,
        orderId: this.nextOrderId(),
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
        filledQuantity: 0,
        filledQuote: 0,
        status: 'NEW',
        reason: null,
        createdAt: this.time,
        updatedAt: this.time,
        stopPrice,
        trailingDelta,
        workingTime: conditional ? -1 : this.time,
        orderListId: listId,
        listClientOrderId: listClientId,
      },
      remaining: c.quantity > 0 ? c.quantity : Number.POSITIVE_INFINITY,
      waiting: conditional,
      locked: 0,
      arrival: 0,
      tracking: trailingDelta > 0 && stopPrice === 0,
      reference: 0,
    };
  }

  /** The checks a new order passes after its filters: post-only, immediate trigger, client id. */
  private placementVerdict(c: EngineCreateOrder, market: Market): RejectCode | null {
    const best = this.bestOpposite(c.market, c.side === 'BUY');
    if (c.postOnly && best !== undefined && (c.side === 'BUY' ? c.price >= best : c.price <= best)) {
      return 'WOULD_TAKE';
    }
    if (isConditional(c.orderType) && reachesStop(c, c.stopPrice ?? 0, this.lastPrice[market.symbol] ?? 0)) {
      return 'WOULD_TRIGGER';
    }
    return null;
  }

  private placeOrder(c: EngineCreateOrder, market: Market): RejectCode | null {
    const code = filterVerdict(c, market) ?? this.placementVerdict(c, market);
    if (code !== null) return code;
    if (this.clientIdTaken(c.accountId, c.market, c.clientOrderId)) return 'DUPLICATE_CLIENT_ORDER_ID';
    const mine = this.openOf(c.accountId, c.market);
    const conditional = isConditional(c.orderType);
    if (mine.length >= market.maxNumOrders) return 'MAX_NUM_ORDERS';
    if (conditional && mine.filter((o) => o.waiting).length >= market.maxNumAlgoOrders)
      return 'MAX_NUM_ALGO_ORDERS';
    const pay = payAsset(c.side, market);
    const available = this.ledger.balance(c.accountId, pay).available;
    const lock = lockFor(c, c.quantity, market, available);
    if (lock === 0 || lock > available) return 'INSUFFICIENT_FUNDS';

    const order = this.newOrder(c, -1, null);
    if (conditional) {
      this.ledger.lock(c.accountId, pay, lock);
      order.locked = lock;
      this.open.push(order);
      this.report(order);
    } else if (c.timeInForce === 'FOK' && !this.canFillCompletely(order)) {
      order.state.status = 'EXPIRED';
      order.state.reason = 'FOK_UNFILLABLE';
      this.report(order);
    } else {
      this.ledger.lock(c.accountId, pay, lock);
      this.matchAndFinish(order, market, lock);
    }
    this.fireTriggered(market);
    return null;
  }

  // --- triggers -------------------------------------------------------------

  /**
   * The spec's check after an accepted order: trailing stops follow the last price
   * if the market traded since they last looked, those whose stop price it reached
   * start following it, and the next order that fires fires; again, until none
   * does or the command's trigger budget is spent.
   */
  private fireTriggered(market: Market): void {
    const symbol = market.symbol;
    for (let fired = 0; fired < MAX_TRIGGERS_PER_COMMAND; fired++) {
      const last = this.lastPrice[symbol] ?? 0;
      const waiting = this.open.filter((o) => o.waiting && o.state.market === symbol);
      const tradeId = this.tradeIds[symbol] ?? 0;
      if (this.checkedTradeId[symbol] !== tradeId) {
        this.checkedTradeId[symbol] = tradeId;
        for (const o of waiting)
          if (o.tracking) o.reference = followed({ side: o.state.side, reference: o.reference }, last);
      }
      for (const o of waiting) {
        if (o.state.trailingDelta > 0 && !o.tracking && reachesStop(o.state, o.state.stopPrice, last)) {
          o.tracking = true;
          o.reference = last;
        }
      }
      const terms = waiting.map((o) => ({
        ...o.state,
        tracking: o.tracking,
        reference: o.reference,
        order: o,
      }));
      const next = nextToFire(terms, last);
      if (next === undefined) return;
      this.fire(next.order, market);
    }
  }

  /** A waiting order starts working with what it locked (an intact list's lock shrinks to it, its sibling expires). */
  private fire(order: ModelOrder, market: Market): void {
    const s = order.state;
    const pay = payAsset(s.side, market);
    const list = this.listOf(order);
    if (list !== undefined) {
      this.lists = this.lists.filter((l) => l !== list);
      this.takeOut(list.above === order ? list.below : list.above, 'EXPIRED', 'ORDER_LIST_SIBLING');
      order.locked = lockFor(s, s.quantity, market, list.locked);
      this.ledger.lock(s.accountId, pay, order.locked - list.locked);
    }
    this.open = this.open.filter((o) => o !== order);
    order.waiting = false;
    s.workingTime = this.time;
    this.report(order);
    if (s.timeInForce === 'FOK' && !this.canFillCompletely(order)) {
      this.ledger.lock(s.accountId, pay, -order.locked);
      s.status = 'EXPIRED';
      s.reason = 'FOK_UNFILLABLE';
      this.report(order);
      return;
    }
    this.matchAndFinish(order, market, order.locked);
  }

  // --- cancels, amend, cancel-replace ---------------------------------------

  private findOpen(c: Pick<EngineCancelOrder, 'accountId' | 'market' | 'orderId' | 'clientOrderId'>) {
    const order =
      c.orderId !== null
        ? this.open.find((o) => o.state.orderId === c.orderId)
        : this.openOf(c.accountId, c.market).find(
            (o) => c.clientOrderId !== null && o.state.clientOrderId === c.clientOrderId,
          );
    return order?.state.accountId === c.accountId && order.state.market === c.market ? order : undefined;
  }

  private cancelOrder(c: EngineCancelOrder): RejectCode | null {
    const order = this.findOpen(c);
    if (order === undefined) return 'UNKNOWN_ORDER';
    this.endOpen(order, 'CANCELED', 'CANCELED_BY_USER');
    return null;
  }

  private cancelAll(c: EngineCancelAll): RejectCode | null {
    if (this.registry.market(c.market) === undefined) return 'UNKNOWN_MARKET';
    const mine = this.openOf(c.accountId, c.market).sort((a, b) => a.state.orderId - b.state.orderId);
    for (const order of mine) {
      if (this.open.includes(order)) this.endOpen(order, 'CANCELED', 'CANCELED_BY_USER');
    }
    return null;
  }

  private amendOrder(c: EngineAmendOrder): RejectCode | null {
    const market = this.registry.market(c.market);
    if (market === undefined) return 'UNKNOWN_MARKET';
    const order = this.findOpen(c);
    if (order === undefined) return 'UNKNOWN_ORDER';
    const s = order.state;
    if (s.quantity === 0) return 'INVALID_ORDER';
    if (c.quantity >= s.quantity || c.quantity <= s.filledQuantity) return 'QUANTITY_INCREASE';
    if (!inRange(c.quantity, market.maxQuantityLots)) return 'LOT_SIZE';
    const renamed = c.newClientOrderId !== null && c.newClientOrderId !== s.clientOrderId;
    if (renamed && this.clientIdTaken(c.accountId, c.market, c.newClientOrderId))
      return 'DUPLICATE_CLIENT_ORDER_ID';

    if (renamed) s.clientOrderId = c.newClientOrderId;
    const pay = payAsset(s.side, market);
    const list = this.listOf(order);
    if (list !== undefined) {
      const locked = Math.max(
        lockFor(list.above.state, c.quantity, market, list.locked),
        lockFor(list.below.state, c.quantity, market, list.locked),
      );
      this.ledger.lock(s.accountId, pay, locked - list.locked);
      list.locked = locked;
      this.reduce(list.above === order ? list.below : list.above, c.quantity);
    } else if (order.waiting) {
      const locked = lockFor(s, c.quantity, market, order.locked);
      this.ledger.lock(s.accountId, pay, locked - order.locked);
      order.locked = locked;
    } else {
      this.ledger.lock(s.accountId, pay, -lockFor(s, s.quantity - c.quantity, market, 0));
    }
    this.reduce(order, c.quantity);
    return null;
  }

  /** An open order's quantity lowered in place: it keeps its place in its price's queue. */
  private reduce(order: ModelOrder, quantity: number): void {
    order.remaining -= order.state.quantity - quantity;
    order.state.quantity = quantity;
    if (!order.waiting) this.levelChanged(order.state.market, order.state.side === 'BUY', order.state.price);
    this.report(order);
  }

  private cancelReplace(c: EngineCancelReplace): RejectCode | null {
    const market = this.registry.market(c.order.market);
    if (market === undefined || c.cancel.market !== c.order.market) return 'UNKNOWN_MARKET';
    const cancelCode = this.cancelOrder(c.cancel);
    if (cancelCode !== null && c.mode === 'STOP_ON_FAILURE') {
      this.outcome = { cancelCode, orderCode: 'NOT_ATTEMPTED' };
      return cancelCode;
    }
    const orderCode = this.placeOrder(c.order, market);
    this.outcome = { cancelCode, orderCode };
    return cancelCode !== null && orderCode !== null ? cancelCode : null;
  }

  // --- order lists ----------------------------------------------------------

  private createOrderList(c: EngineCreateOrderList): RejectCode | null {
    const market = this.registry.market(c.market);
    if (market === undefined) return 'UNKNOWN_MARKET';
    const shape = listShapeVerdict(c);
    if (shape !== null) return shape;
    const above = legOrder(c, c.above);
    const below = legOrder(c, c.below);
    for (const leg of [above, below]) {
      const code = filterVerdict(leg, market) ?? this.placementVerdict(leg, market);
      if (code !== null) return code;
    }
    for (const leg of [above, below]) {
      if (this.clientIdTaken(c.accountId, c.market, leg.clientOrderId)) return 'DUPLICATE_CLIENT_ORDER_ID';
    }
    if (above.clientOrderId !== null && above.clientOrderId === below.clientOrderId) {
      return 'DUPLICATE_CLIENT_ORDER_ID';
    }
    const mine = this.openOf(c.accountId, c.market);
    const stops = [above, below].filter((leg) => isConditional(leg.orderType)).length;
    if (mine.length + 2 > market.maxNumOrders) return 'MAX_NUM_ORDERS';
    if (mine.filter((o) => o.waiting).length + stops > market.maxNumAlgoOrders) return 'MAX_NUM_ALGO_ORDERS';
    const pay = payAsset(c.side, market);
    const available = this.ledger.balance(c.accountId, pay).available;
    const lock = Math.max(
      lockFor(above, c.quantity, market, available),
      lockFor(below, c.quantity, market, available),
    );
    if (lock === 0 || lock > available) return 'INSUFFICIENT_FUNDS';

    this.ledger.lock(c.accountId, pay, lock);
    const [first, second] = [below, above].map((leg) =>
      this.newOrder(leg, this.seq, c.listClientOrderId),
    ) as [ModelOrder, ModelOrder];
    this.lists.push({
      id: this.seq,
      clientId: c.listClientOrderId,
      above: second,
      below: first,
      locked: lock,
    });
    for (const order of [first, second]) {
      if (order.waiting) this.open.push(order);
      else this.rest(order);
      this.report(order);
    }
    return null;
  }

  private cancelOrderList(c: EngineCancelOrderList): RejectCode | null {
    if (this.registry.market(c.market) === undefined) return 'UNKNOWN_MARKET';
    const list =
      c.orderListId !== null
        ? this.lists.find((l) => l.id === c.orderListId)
        : this.lists.find(
            (l) => l.clientId === c.listClientOrderId && l.above.state.accountId === c.accountId,
          );
    if (
      list === undefined ||
      list.above.state.accountId !== c.accountId ||
      list.above.state.market !== c.market
    ) {
      return 'UNKNOWN_ORDER_LIST';
    }
    this.endOpen(list.above, 'CANCELED', 'CANCELED_BY_USER');
    return null;
  }
}
