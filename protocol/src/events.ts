/**
 * Events: what the engine says happened. Like commands, two forms:
 * - {@link EngineEvent}: integers, produced by the engine core; the sequence and
 *   time they belong to sit on the enclosing {@link ExecutionResult};
 * - {@link Event}: the wire form (decimal strings, with `seq` and `time`), validated
 *   by {@link eventSchema}, published to Redis and `events.fifo`.
 *
 * A market's `updateId` grows by exactly one per command that changes its book, so
 * a client rebuilds the book exactly from a snapshot's `lastUpdateId` plus `DEPTH`
 * diffs and detects any gap.
 */
import { z } from 'zod';
import { END_REASONS, type EndReason, REJECT_CODES, type RejectCode } from './codes.js';
import { COMMAND_TYPES, type CommandType } from './commands.js';
import {
  ORDER_TYPES,
  type OrderType,
  type SelfTradePrevention,
  SIDES,
  type Side,
  STP_MODES,
  TIME_IN_FORCE,
  type TimeInForce,
} from './order-terms.js';

export const ORDER_STATUSES = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const WITHDRAWAL_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/** An order's state after a command changed it. */
export interface EngineOrderEvent {
  readonly type: 'ORDER';
  readonly market: string;
  readonly orderId: number;
  readonly accountId: string;
  readonly clientOrderId: string | null;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly selfTradePrevention: SelfTradePrevention;
  /** Ticks; 0 for market orders. */
  readonly price: number;
  /** Lots; 0 when sized by quote. */
  readonly quantity: number;
  /** Quote minor units; 0 when sized by quantity. */
  readonly quoteQuantity: number;
  /** Lots. */
  readonly filledQuantity: number;
  /** Quote minor units. */
  readonly filledQuote: number;
  readonly status: OrderStatus;
  readonly reason: EndReason | null;
  /** Time of the command that created the order. */
  readonly createdAt: number;
  /** Time of the command that last changed it: the event's own time in an event, later than `createdAt` once it filled, was amended or triggered. */
  readonly updatedAt: number;
  /** Ticks; 0 when the order has no stop price. */
  readonly stopPrice: number;
  /** Basis points; 0 when the order does not trail. */
  readonly trailingDelta: number;
  /** When the order started working on the book (Binance's `workingTime`); -1 while a stop waits. */
  readonly workingTime: number;
  /** The order list it belongs to; -1 when none (Binance's `orderListId`). */
  readonly orderListId: number;
  /** Its order list's client id (Binance's `listClientOrderId`); null when none or not given. */
  readonly listClientOrderId: string | null;
}

/** One fill, at the maker's price. Each side pays its fee in the asset it receives. */
export interface EngineTradeEvent {
  readonly type: 'TRADE';
  readonly market: string;
  /** Per market, from 1. */
  readonly tradeId: number;
  readonly price: number;
  readonly quantity: number;
  /** Quote minor units. */
  readonly quoteQuantity: number;
  readonly buyOrderId: number;
  readonly sellOrderId: number;
  readonly buyerAccountId: string;
  readonly sellerAccountId: string;
  readonly takerSide: Side;
  /** Base minor units taken from what the buyer receives. */
  readonly buyerFee: number;
  /** Quote minor units taken from what the seller receives. */
  readonly sellerFee: number;
}

/** A price level, `[ticks, lots]`; 0 lots means the level is gone. */
export type Level = [price: number, quantity: number];

/** Every level of one market a command changed, with their new totals. */
export interface EngineDepthEvent {
  readonly type: 'DEPTH';
  readonly market: string;
  readonly updateId: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/** One account-asset balance after a command, with what the command changed. */
export interface EngineBalanceEvent {
  readonly type: 'BALANCE';
  readonly accountId: string;
  readonly asset: string;
  readonly available: number;
  readonly locked: number;
  readonly availableDelta: number;
  readonly lockedDelta: number;
  readonly cause: CommandType;
}

export interface EngineWithdrawalEvent {
  readonly type: 'WITHDRAWAL';
  readonly withdrawalId: number;
  readonly accountId: string;
  readonly asset: string;
  readonly amount: number;
  readonly status: WithdrawalStatus;
}

export type EngineEvent =
  | EngineOrderEvent
  | EngineTradeEvent
  | EngineDepthEvent
  | EngineBalanceEvent
  | EngineWithdrawalEvent;

/**
 * What one command did. A rejected command changed nothing and has no events.
 */
export interface ExecutionResult {
  readonly seq: number;
  readonly time: number;
  readonly code: RejectCode | null;
  readonly events: EngineEvent[];
  /** For CANCEL_REPLACE: what became of each half. */
  readonly cancelReplace?: CancelReplaceOutcome;
}

/**
 * The two halves of a cancel-replace. The command is rejected (`code` set, nothing
 * changed) only when no half succeeded; otherwise it is accepted and a half that
 * failed says why here.
 */
export interface CancelReplaceOutcome {
  /** null when the order was cancelled. */
  readonly cancelCode: RejectCode | null;
  /** null when the new order was placed; `NOT_ATTEMPTED` after a failed cancel in `STOP_ON_FAILURE` mode. */
  readonly orderCode: RejectCode | 'NOT_ATTEMPTED' | null;
}

// ---------------------------------------------------------------------------
// Wire form.

/** A decimal string as every wire carries it (events, replies, read models). */
export const wireDecimalSchema = z.string().regex(/^-?\d+(\.\d+)?$/);
const stamp = { seq: z.number().int().positive(), time: z.number().int().nonnegative() };
/** One book level on the wire: `[price, quantity]`. */
export const wireLevelSchema = z.tuple([wireDecimalSchema, wireDecimalSchema]);

export const orderEventSchema = z.object({
  type: z.literal('ORDER'),
  ...stamp,
  market: z.string(),
  orderId: z.number().int().positive(),
  accountId: z.string(),
  clientOrderId: z.string().nullable(),
  side: z.enum(SIDES),
  orderType: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE),
  postOnly: z.boolean(),
  selfTradePrevention: z.enum(STP_MODES),
  price: wireDecimalSchema.nullable(),
  quantity: wireDecimalSchema.nullable(),
  quoteQuantity: wireDecimalSchema.nullable(),
  filledQuantity: wireDecimalSchema,
  filledQuote: wireDecimalSchema,
  status: z.enum(ORDER_STATUSES),
  reason: z.enum(END_REASONS).nullable(),
  createdAt: z.number().int().nonnegative(),
  stopPrice: wireDecimalSchema.nullable().optional(),
  trailingDelta: z.number().int().nonnegative().optional(),
  workingTime: z.number().int().optional(),
  orderListId: z.number().int().optional(),
  listClientOrderId: z.string().nullable().optional(),
});

export const tradeEventSchema = z.object({
  type: z.literal('TRADE'),
  ...stamp,
  market: z.string(),
  tradeId: z.number().int().positive(),
  price: wireDecimalSchema,
  quantity: wireDecimalSchema,
  quoteQuantity: wireDecimalSchema,
  buyOrderId: z.number().int().positive(),
  sellOrderId: z.number().int().positive(),
  buyerAccountId: z.string(),
  sellerAccountId: z.string(),
  takerSide: z.enum(SIDES),
  buyerFee: wireDecimalSchema,
  sellerFee: wireDecimalSchema,
});

export const depthEventSchema = z.object({
  type: z.literal('DEPTH'),
  ...stamp,
  market: z.string(),
  updateId: z.number().int().positive(),
  bids: z.array(wireLevelSchema),
  asks: z.array(wireLevelSchema),
});

export const balanceEventSchema = z.object({
  type: z.literal('BALANCE'),
  ...stamp,
  accountId: z.string(),
  asset: z.string(),
  available: wireDecimalSchema,
  locked: wireDecimalSchema,
  availableDelta: wireDecimalSchema,
  lockedDelta: wireDecimalSchema,
  cause: z.enum(COMMAND_TYPES),
});

export const withdrawalEventSchema = z.object({
  type: z.literal('WITHDRAWAL'),
  ...stamp,
  withdrawalId: z.number().int().positive(),
  accountId: z.string(),
  asset: z.string(),
  amount: wireDecimalSchema,
  status: z.enum(WITHDRAWAL_STATUSES),
});

export const eventSchema = z.discriminatedUnion('type', [
  orderEventSchema,
  tradeEventSchema,
  depthEventSchema,
  balanceEventSchema,
  withdrawalEventSchema,
]);

export type Event = z.infer<typeof eventSchema>;
export type OrderEvent = z.infer<typeof orderEventSchema>;
export type TradeEvent = z.infer<typeof tradeEventSchema>;
export type DepthEvent = z.infer<typeof depthEventSchema>;
export type BalanceEvent = z.infer<typeof balanceEventSchema>;
export type WithdrawalEvent = z.infer<typeof withdrawalEventSchema>;

/** Where a fill stands from one account's side: what an API caller is told. */
export const fillSchema = z.object({
  tradeId: z.number().int().positive(),
  market: z.string(),
  orderId: z.number().int().positive(),
  side: z.enum(SIDES),
  price: wireDecimalSchema,
  quantity: wireDecimalSchema,
  quoteQuantity: wireDecimalSchema,
  fee: wireDecimalSchema,
  feeAsset: z.string(),
  isMaker: z.boolean(),
  time: z.number().int().nonnegative(),
});
export type Fill = z.infer<typeof fillSchema>;

const cancelReplaceOutcomeSchema = z.object({
  cancelCode: z.enum(REJECT_CODES).nullable(),
  orderCode: z.union([z.enum(REJECT_CODES), z.literal('NOT_ATTEMPTED')]).nullable(),
});

/**
 * The engine's answer to one request, published to the waiting API call. It holds
 * only what concerns the requesting account: its orders, its fills, its balances.
 */
export const replySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    requestId: z.string(),
    ...stamp,
    orders: z.array(orderEventSchema),
    fills: z.array(fillSchema),
    balances: z.array(balanceEventSchema),
    withdrawals: z.array(withdrawalEventSchema),
    cancelReplace: cancelReplaceOutcomeSchema.optional(),
  }),
  z.object({
    ok: z.literal(false),
    requestId: z.string(),
    seq: z.number().int().nonnegative(),
    time: z.number().int().nonnegative(),
    code: z.enum(REJECT_CODES),
    message: z.string(),
    cancelReplace: cancelReplaceOutcomeSchema.optional(),
  }),
]);
export type Reply = z.infer<typeof replySchema>;
