/**
 * Commands in the engine form: integers (ticks, lots, minor units), every optional
 * resolved to its default. The engine core executes these; `convert-command.ts` makes
 * them from the wire form in `commands.ts`.
 */
import type { CancelReplaceMode, OrderType, SelfTradePrevention, Side, TimeInForce } from './order-terms.js';

export interface EngineCreateOrder {
  readonly type: 'CREATE_ORDER';
  readonly accountId: string;
  readonly market: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  /** Ticks; 0 for a market order. */
  readonly price: number;
  /** Lots; 0 when the order is sized by `quoteQuantity`. */
  readonly quantity: number;
  /** Quote minor units, market orders only; 0 when sized by `quantity`. */
  readonly quoteQuantity: number;
  readonly clientOrderId: string | null;
  readonly selfTradePrevention: SelfTradePrevention;
  /** Ticks, conditional types only; 0 when none (a trailing stop may have none). */
  readonly stopPrice?: number;
  /** Basis points, conditional types only; 0 when not trailing. */
  readonly trailingDelta?: number;
}

export interface EngineCancelOrder {
  readonly type: 'CANCEL_ORDER';
  readonly accountId: string;
  readonly market: string;
  readonly orderId: number | null;
  readonly clientOrderId: string | null;
}

export interface EngineCancelAll {
  readonly type: 'CANCEL_ALL';
  readonly accountId: string;
  readonly market: string;
}

export interface EngineDeposit {
  readonly type: 'DEPOSIT';
  readonly accountId: string;
  readonly asset: string;
  /** Minor units. */
  readonly amount: number;
}

/** Phase one of a withdrawal: lock the amount; its withdrawal id is the command's sequence. */
export interface EngineWithdraw {
  readonly type: 'WITHDRAW';
  readonly accountId: string;
  readonly asset: string;
  readonly amount: number;
}

/** Phase two: debit the locked amount, or give it back. */
export interface EngineSettleWithdrawal {
  readonly type: 'SETTLE_WITHDRAWAL';
  readonly accountId: string;
  readonly withdrawalId: number;
  readonly outcome: 'COMPLETED' | 'FAILED';
}

/** Reduces an open order's quantity (lots, the new total) in place; time priority is kept. */
export interface EngineAmendOrder {
  readonly type: 'AMEND_ORDER';
  readonly accountId: string;
  readonly market: string;
  readonly orderId: number | null;
  readonly clientOrderId: string | null;
  readonly quantity: number;
  readonly newClientOrderId: string | null;
}

/** Cancels `cancel` and places `order` in one command. */
export interface EngineCancelReplace {
  readonly type: 'CANCEL_REPLACE';
  readonly accountId: string;
  readonly mode: CancelReplaceMode;
  readonly cancel: EngineCancelOrder;
  readonly order: EngineCreateOrder;
}

/** One leg of an OCO, in integers. */
export interface EngineOrderListLeg {
  readonly orderType: OrderType;
  readonly postOnly: boolean;
  readonly timeInForce: TimeInForce;
  /** Ticks; 0 for a market-type leg. */
  readonly price: number;
  readonly stopPrice: number;
  readonly trailingDelta: number;
  readonly clientOrderId: string | null;
}

export interface EngineCreateOrderList {
  readonly type: 'CREATE_ORDER_LIST';
  readonly accountId: string;
  readonly market: string;
  readonly side: Side;
  /** Lots, both legs. */
  readonly quantity: number;
  readonly listClientOrderId: string | null;
  readonly selfTradePrevention: SelfTradePrevention;
  readonly above: EngineOrderListLeg;
  readonly below: EngineOrderListLeg;
}

export interface EngineCancelOrderList {
  readonly type: 'CANCEL_ORDER_LIST';
  readonly accountId: string;
  readonly market: string;
  readonly orderListId: number | null;
  readonly listClientOrderId: string | null;
}

export type EngineCommand =
  | EngineCreateOrder
  | EngineCancelOrder
  | EngineCancelAll
  | EngineDeposit
  | EngineWithdraw
  | EngineSettleWithdrawal
  | EngineAmendOrder
  | EngineCancelReplace
  | EngineCreateOrderList
  | EngineCancelOrderList;
