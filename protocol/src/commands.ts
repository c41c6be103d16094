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

export const ORDER_TYPES = ['LIMIT', 'MARKET'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

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

export const createOrderSchema = z
  .object({
    type: z.literal('CREATE_ORDER'),
    ...base,
    market: z.string().min(1).max(32),
    side: z.enum(SIDES),
    orderType: z.enum(ORDER_TYPES),
    timeInForce: z.enum(TIME_IN_FORCE).optional(),
    postOnly: z.boolean().optional(),
    price: decimalString.optional(),
    quantity: decimalString.optional(),
    quoteQuantity: decimalString.optional(),
    clientOrderId: z.string().regex(CLIENT_ORDER_ID).optional(),
    selfTradePrevention: z.enum(STP_MODES).optional(),
  })
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
}): string | undefined {
  if (c.orderType === 'LIMIT') {
    if (c.price === undefined || c.quantity === undefined) return 'a LIMIT order needs price and quantity';
    if (c.quoteQuantity !== undefined) return 'a LIMIT order takes quantity, not quoteQuantity';
    if (c.postOnly === true && (c.timeInForce ?? 'GTC') !== 'GTC') return 'postOnly needs timeInForce GTC';
    return undefined;
  }
  if (c.price !== undefined) return 'a MARKET order takes no price';
  if ((c.quantity === undefined) === (c.quoteQuantity === undefined)) {
    return 'a MARKET order needs exactly one of quantity and quoteQuantity';
  }
  if (c.postOnly === true) return 'a MARKET order cannot be postOnly';
  if (c.timeInForce !== undefined && c.timeInForce !== 'IOC') return 'a MARKET order is always IOC';
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

export const commandSchema = z.discriminatedUnion('type', [
  createOrderSchema,
  cancelOrderSchema,
  cancelAllSchema,
  depositSchema,
  withdrawSchema,
  settleWithdrawalSchema,
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

export type EngineCommand =
  | EngineCreateOrder
  | EngineCancelOrder
  | EngineCancelAll
  | EngineDeposit
  | EngineWithdraw
  | EngineSettleWithdrawal;
