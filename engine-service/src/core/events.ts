import type {
  CancelReplaceOutcome,
  CommandType,
  EndReason,
  EngineBalanceEvent,
  EngineDepthEvent,
  EngineEvent,
  EngineOrderEvent,
  EngineTradeEvent,
  ExecutionResult,
  Level,
  OrderStatus,
  OrderType,
  RejectCode,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from '@exchange/protocol';
import type { Order } from './order.js';

/*
 * The engine's hot-path outputs, as classes rather than object literals: every
 * instance of a class shares one shape from its first field, and building them
 * measured about a tenth faster than the equivalent literals in the engine
 * benchmark. They carry exactly the fields of the protocol's event interfaces.
 */

export class OrderView implements EngineOrderEvent {
  readonly type = 'ORDER' as const;
  readonly market: string;
  readonly orderId: number;
  readonly accountId: string;
  readonly clientOrderId: string | null;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly selfTradePrevention: SelfTradePrevention;
  readonly price: number;
  readonly quantity: number;
  readonly quoteQuantity: number;
  readonly filledQuantity: number;
  readonly filledQuote: number;
  readonly status: OrderStatus;
  readonly reason: EndReason | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly stopPrice: number;
  readonly trailingDelta: number;
  readonly workingTime: number;
  readonly orderListId: number;
  readonly listClientOrderId: string | null;

  constructor(o: Order) {
    this.market = o.market;
    this.orderId = o.id;
    this.accountId = o.account.id;
    this.clientOrderId = o.clientOrderId;
    this.side = o.side;
    this.orderType = o.orderType;
    this.timeInForce = o.timeInForce;
    this.postOnly = o.postOnly;
    this.selfTradePrevention = o.selfTradePrevention;
    this.price = o.price;
    this.quantity = o.quantity;
    this.quoteQuantity = o.quoteQuantity;
    this.filledQuantity = o.filledQuantity;
    this.filledQuote = o.filledQuote;
    this.status = o.status;
    this.reason = o.reason;
    this.createdAt = o.createdAt;
    this.updatedAt = o.updatedAt;
    this.stopPrice = o.stopPrice;
    this.trailingDelta = o.trailingDelta;
    this.workingTime = o.workingTime;
    this.orderListId = o.listId;
    this.listClientOrderId = o.listClientId;
  }
}

export class Trade implements EngineTradeEvent {
  readonly type = 'TRADE' as const;
  constructor(
    readonly market: string,
    readonly tradeId: number,
    readonly price: number,
    readonly quantity: number,
    readonly quoteQuantity: number,
    readonly buyOrderId: number,
    readonly sellOrderId: number,
    readonly buyerAccountId: string,
    readonly sellerAccountId: string,
    readonly takerSide: Side,
    readonly buyerFee: number,
    readonly sellerFee: number,
  ) {}
}

export class DepthDiff implements EngineDepthEvent {
  readonly type = 'DEPTH' as const;
  constructor(
    readonly market: string,
    readonly updateId: number,
    readonly bids: readonly Level[],
    readonly asks: readonly Level[],
  ) {}
}

export class BalanceChange implements EngineBalanceEvent {
  readonly type = 'BALANCE' as const;
  constructor(
    readonly accountId: string,
    readonly asset: string,
    readonly available: number,
    readonly locked: number,
    readonly availableDelta: number,
    readonly lockedDelta: number,
    readonly cause: CommandType,
  ) {}
}

export class Execution implements ExecutionResult {
  constructor(
    readonly seq: number,
    readonly time: number,
    readonly code: RejectCode | null,
    readonly events: EngineEvent[],
    readonly cancelReplace?: CancelReplaceOutcome,
  ) {}
}
