/**
 * Commands: what the API enqueues to `orders.fifo` and the engine applies, one at a
 * time. Two forms of one contract:
 * - {@link Command}, the wire form (JSON, decimal strings), validated by {@link commandSchema};
 * - {@link EngineCommand}, the same command in integers (ticks, lots, minor units),
 *   which the engine core executes. `toEngineCommand` converts one into the other.
 *
 * Every command carries `requestId`, its idempotency key: the engine applies a
 * request id at most once.
 */
import { z } from 'zod';

export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/**
 * Binance's spot order types. The four stop and take-profit types wait, funds
 * locked, until the market's last trade price reaches their `stopPrice` (or
 * moves `trailingDelta` basis points against them); then a `…_LIMIT` type works
 * as a limit order at its `price`, the others as a market order.
 */
export const ORDER_TYPES = [
  'LIMIT',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** The order types that wait for a trigger. */
export const CONDITIONAL_ORDER_TYPES = [
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;

/** Is `type` a stop or take-profit type (one that waits for its trigger)? */
export function isConditional(type: OrderType): boolean {
  return type !== 'LIMIT' && type !== 'MARKET';
}

/** Does `type` carry a limit price (LIMIT and the `…_LIMIT` types)? */
export function hasLimitPrice(type: OrderType): boolean {
  return type === 'LIMIT' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
}

/** Binance's cancel-replace modes: give up on the new order when the cancel fails, or place it anyway. */
export const CANCEL_REPLACE_MODES = ['STOP_ON_FAILURE', 'ALLOW_FAILURE'] as const;
export type CancelReplaceMode = (typeof CANCEL_REPLACE_MODES)[number];

/** Good-till-cancelled, immediate-or-cancel, fill-or-kill. */
export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Binance's self-trade prevention modes; the default is `EXPIRE_MAKER`. */
export const STP_MODES = ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;
export type SelfTradePrevention = (typeof STP_MODES)[number];
export const DEFAULT_STP: SelfTradePrevention = 'EXPIRE_MAKER';

export const COMMAND_TYPES = [
  'CREATE_ORDER',
  'CANCEL_ORDER',
  'CANCEL_ALL',
  'DEPOSIT',
  'WITHDRAW',
  'SETTLE_WITHDRAWAL',
  'AMEND_ORDER',
  'CANCEL_REPLACE',
  'CREATE_ORDER_LIST',
  'CANCEL_ORDER_LIST',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Binance's client order id alphabet and length. */
export const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const decimalString = z.string().min(1).max(64);
const id = z.string().min(1).max(64);

/**
 * `replyTo` names the inbox of the function instance waiting for the reply (one Redis
 * channel per instance, see `RedisKeys.replies`); a command without it gets no reply.
 */
const base = { requestId: id, accountId: id, replyTo: id.optional() };

/** Basis points, as Binance's `trailingDelta`. */
const trailingDelta = z.number().int().positive().max(10_000);

/** The fields of one order, shared by CREATE_ORDER and CANCEL_REPLACE. */
const orderFields = {
  market: z.string().min(1).max(32),
  side: z.enum(SIDES),
  orderType: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE).optional(),
  postOnly: z.boolean().optional(),
  price: decimalString.optional(),
  quantity: decimalString.optional(),
  quoteQuantity: decimalString.optional(),
  stopPrice: decimalString.optional(),
  trailingDelta: trailingDelta.optional(),
  clientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
  selfTradePrevention: z.enum(STP_MODES).optional(),
};

export const createOrderSchema = z
  .object({ type: z.literal('CREATE_ORDER'), ...base, ...orderFields })
  .strict()
  .superRefine((c, ctx) => {
    const problem = orderShapeProblem(c);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The cross-field rules of an order, as one sentence, or undefined when the shape is valid. */
function orderShapeProblem(c: {
  orderType: OrderType;
  timeInForce?: TimeInForce | undefined;
  postOnly?: boolean | undefined;
  price?: string | undefined;
  quantity?: string | undefined;
  quoteQuantity?: string | undefined;
  stopPrice?: string | undefined;
  trailingDelta?: number | undefined;
}): string | undefined {
  const type = c.orderType;
  if (isConditional(type)) {
    if (c.stopPrice === undefined && c.trailingDelta === undefined) {
      return `a ${type} order needs stopPrice or trailingDelta`;
    }
    if (c.postOnly === true) return `a ${type} order cannot be postOnly`;
  } else if (c.stopPrice !== undefined || c.trailingDelta !== undefined) {
    return `a ${type} order takes no stopPrice or trailingDelta`;
  }
  if (hasLimitPrice(type)) {
    if (c.price === undefined || c.quantity === undefined) return `a ${type} order needs price and quantity`;
    if (c.quoteQuantity !== undefined) return `a ${type} order takes quantity, not quoteQuantity`;
    if (c.postOnly === true && (c.timeInForce ?? 'GTC') !== 'GTC') return 'postOnly needs timeInForce GTC';
    return undefined;
  }
  if (c.price !== undefined) return `a ${type} order takes no price`;
  if ((c.quantity === undefined) === (c.quoteQuantity === undefined)) {
    return `a ${type} order needs exactly one of quantity and quoteQuantity`;
  }
  if (c.postOnly === true) return `a ${type} order cannot be postOnly`;
  if (c.timeInForce !== undefined && c.timeInForce !== 'IOC') return `a ${type} order is always IOC`;
  return undefined;
}

export const cancelOrderSchema = z
  .object({
    type: z.literal('CANCEL_ORDER'),
    ...base,
    market: z.string().min(1).max(32),
    orderId: z.number().int().positive().optional(),
    clientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
  })
  .strict()
  .refine((c) => (c.orderId === undefined) !== (c.clientOrderId === undefined), {
    message: 'give exactly one of orderId and clientOrderId',
  });

export const cancelAllSchema = z
  .object({ type: z.literal('CANCEL_ALL'), ...base, market: z.string().min(1).max(32) })
  .strict();

export const depositSchema = z
  .object({ type: z.literal('DEPOSIT'), ...base, asset: z.string().min(1).max(16), amount: decimalString })
  .strict();

export const withdrawSchema = z
  .object({ type: z.literal('WITHDRAW'), ...base, asset: z.string().min(1).max(16), amount: decimalString })
  .strict();

export const settleWithdrawalSchema = z
  .object({
    type: z.literal('SETTLE_WITHDRAWAL'),
    ...base,
    withdrawalId: z.number().int().positive(),
    outcome: z.enum(['COMPLETED', 'FAILED']),
  })
  .strict();

/** Reduces an open order's quantity in place, keeping its time priority (Binance's amend keep priority). */
export const amendOrderSchema = z
  .object({
    type: z.literal('AMEND_ORDER'),
    ...base,
    market: z.string().min(1).max(32),
    orderId: z.number().int().positive().optional(),
    clientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
    /** The order's quantity after the amendment; less than its quantity now. */
    quantity: decimalString,
    /** The order's client order id from now on; unchanged when absent. */
    newClientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
  })
  .strict()
  .refine((c) => (c.orderId === undefined) !== (c.clientOrderId === undefined), {
    message: 'give exactly one of orderId and clientOrderId',
  });

/** Cancels one order and places another, as one command. */
export const cancelReplaceSchema = z
  .object({
    type: z.literal('CANCEL_REPLACE'),
    ...base,
    mode: z.enum(CANCEL_REPLACE_MODES),
    cancelOrderId: z.number().int().positive().optional(),
    cancelClientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
    ...orderFields,
  })
  .strict()
  .refine((c) => (c.cancelOrderId === undefined) !== (c.cancelClientOrderId === undefined), {
    message: 'give exactly one of cancelOrderId and cancelClientOrderId',
  })
  .superRefine((c, ctx) => {
    const problem = orderShapeProblem(c);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** One leg of an OCO: a LIMIT_MAKER (`LIMIT` + postOnly) or a stop / take-profit order. */
const legSchema = z
  .object({
    orderType: z.enum(ORDER_TYPES),
    postOnly: z.boolean().optional(),
    timeInForce: z.enum(TIME_IN_FORCE).optional(),
    price: decimalString.optional(),
    stopPrice: decimalString.optional(),
    trailingDelta: trailingDelta.optional(),
    clientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
  })
  .strict();

/**
 * An OCO order list: two orders of one side and quantity, one priced above the market and
 * one below; when either fills or triggers, the other expires in the same command.
 */
export const createOrderListSchema = z
  .object({
    type: z.literal('CREATE_ORDER_LIST'),
    ...base,
    market: z.string().min(1).max(32),
    side: z.enum(SIDES),
    quantity: decimalString,
    listClientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
    selfTradePrevention: z.enum(STP_MODES).optional(),
    above: legSchema,
    below: legSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const leg of [c.above, c.below]) {
      const problem = orderShapeProblem({ ...leg, quantity: c.quantity });
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }
  });

/** Cancels both orders of an order list. */
export const cancelOrderListSchema = z
  .object({
    type: z.literal('CANCEL_ORDER_LIST'),
    ...base,
    market: z.string().min(1).max(32),
    orderListId: z.number().int().positive().optional(),
    listClientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
  })
  .strict()
  .refine((c) => (c.orderListId === undefined) !== (c.listClientOrderId === undefined), {
    message: 'give exactly one of orderListId and listClientOrderId',
  });

export const commandSchema = z.discriminatedUnion('type', [
  createOrderSchema,
  cancelOrderSchema,
  cancelAllSchema,
  depositSchema,
  withdrawSchema,
  settleWithdrawalSchema,
  amendOrderSchema,
  cancelReplaceSchema,
  createOrderListSchema,
  cancelOrderListSchema,
]);

/** A command on the wire (decimal strings). */
export type Command = z.infer<typeof commandSchema>;
export type CreateOrderCommand = z.infer<typeof createOrderSchema>;

// ---------------------------------------------------------------------------
// Engine form: integers, every optional resolved to its default.

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
