/**
 * Commands: what the API enqueues to `orders.fifo` and the engine applies, one at a
 * time. Two forms of one contract:
 * - {@link Command}, the wire form (JSON, decimal strings), validated by {@link commandSchema}
 *   (this file);
 * - `EngineCommand` (`engine-commands.ts`), the same command in integers (ticks, lots,
 *   minor units), which the engine core executes. `toEngineCommand`
 *   (`convert-command.ts`) converts one into the other.
 *
 * Every command carries `requestId`, its idempotency key: the engine applies a
 * request id at most once.
 */
import { z } from 'zod';
import {
  CANCEL_REPLACE_MODES,
  CLIENT_ORDER_ID,
  hasLimitPrice,
  isConditional,
  ORDER_TYPES,
  type OrderType,
  SIDES,
  STP_MODES,
  TIME_IN_FORCE,
  type TimeInForce,
} from './order-terms.js';

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
