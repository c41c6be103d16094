/**
 * Trading on `/api/v3`, Binance's Spot API: its paths, parameter names, response
 * shapes (`binance-format.ts`) and error codes, over the same `trading/` as `/api/v1`.
 * Symbols are markets without the underscore (`SOLUSDC`). Every route is signed.
 *
 * `POST order` (+ `order/test`), `DELETE order`, `GET order`, `GET openOrders`,
 * `DELETE openOrders`, `GET account`, `GET myTrades`. An order whose engine reply is
 * late answers 202 `{symbol, orderId: -1, orderListId: -1, clientOrderId, transactTime,
 * status: 'PENDING_NEW', requestId}`; it is still processed exactly once.
 */
import { CLIENT_ORDER_ID, SIDES, STP_MODES, TIME_IN_FORCE } from '@exchange/protocol';
import { z } from 'zod';
import {
  accountFills,
  balances,
  cancelAllOrders,
  cancelOrder,
  findOrder,
  marketOf,
  newClientOrderId,
  type OrderRequest,
  openOrders,
  orderHistoryOf,
  placeOrder,
  testOrder,
} from '../../trading/index.js';
import { ApiError, param, respond, signedEndpoint } from '../api.js';
import {
  account,
  BINANCE_ORDER_TYPES,
  myTrade,
  ORDER_RESPONSE_TYPES,
  orderAck,
  orderCancel,
  orderFull,
  orderQuery,
  orderResult,
} from './binance-format.js';

const V3_FIELDS = { price: 'price', quantity: 'quantity', quoteQuantity: 'quoteOrderQty' };
const REF_FIELDS = { orderId: 'orderId', clientOrderId: 'origClientOrderId' };
const clientOrderId = z.string().regex(CLIENT_ORDER_ID);

const newOrder = {
  symbol: param.symbol(),
  side: z.enum(SIDES),
  type: z.enum(BINANCE_ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE).optional(),
  quantity: param.decimal().optional(),
  quoteOrderQty: param.decimal().optional(),
  price: param.decimal().optional(),
  newClientOrderId: clientOrderId.optional(),
  newOrderRespType: z.enum(ORDER_RESPONSE_TYPES).optional(),
  selfTradePreventionMode: z.enum(STP_MODES).optional(),
};
type NewOrderParams = z.output<z.ZodObject<typeof newOrder>>;

const notRequired = (field: string) => new ApiError('PARAMETER_NOT_REQUIRED', { field });
const missing = (field: string) => new ApiError('MISSING_PARAMETER', { field });

/** Binance's per-type parameter rules, then the native order request. */
function toOrderRequest(p: NewOrderParams): OrderRequest {
  if (p.type === 'MARKET') {
    if (p.price !== undefined) throw notRequired('price');
    if (p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined && p.quoteOrderQty === undefined) throw missing('quantity');
    if (p.quantity !== undefined && p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  } else {
    if (p.type === 'LIMIT' && p.timeInForce === undefined) throw missing('timeInForce');
    if (p.type === 'LIMIT_MAKER' && p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined) throw missing('quantity');
    if (p.price === undefined) throw missing('price');
    if (p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  }
  return {
    market: marketOf(p.symbol),
    side: p.side,
    orderType: p.type === 'MARKET' ? 'MARKET' : 'LIMIT',
    postOnly: p.type === 'LIMIT_MAKER' ? true : undefined,
    timeInForce: p.timeInForce,
    price: p.price,
    quantity: p.quantity,
    quoteQuantity: p.quoteOrderQty,
    clientOrderId: p.newClientOrderId,
    selfTradePrevention: p.selfTradePreventionMode,
  };
}

/** `POST /api/v3/order`: ACK, RESULT or FULL (the default) as `newOrderRespType` asks. */
export const newOrderHandler = signedEndpoint('v3', newOrder, async ({ params, caller }) => {
  const out = await placeOrder(caller.accountId, toOrderRequest(params), V3_FIELDS);
  const now = Date.now();
  if (out.status === 'pending') {
    const { symbol } = params;
    return respond(202, {
      symbol,
      orderId: -1,
      orderListId: -1,
      clientOrderId: out.clientOrderId,
      transactTime: now,
      status: 'PENDING_NEW',
      requestId: out.requestId,
    });
  }
  const time = out.order.updatedAt;
  if (params.newOrderRespType === 'ACK') return orderAck(out.order, time);
  if (params.newOrderRespType === 'RESULT') return orderResult(out.order, time);
  return orderFull(out.order, out.fills, time);
});

/** `POST /api/v3/order/test`: validates like `POST /api/v3/order`, sends nothing; `{}`. */
export const testOrderHandler = signedEndpoint('v3', newOrder, ({ params, caller }) => {
  testOrder(caller.accountId, toOrderRequest(params), V3_FIELDS);
  return {};
});

const orderRef = {
  symbol: param.symbol(),
  orderId: param.integer({ min: 1 }).optional(),
  origClientOrderId: clientOrderId.optional(),
};

/** `DELETE /api/v3/order` by `orderId` or `origClientOrderId`; -2011 when there is no such open order. */
export const cancelOrderHandler = signedEndpoint(
  'v3',
  { ...orderRef, newClientOrderId: clientOrderId.optional() },
  async ({ params, caller }) => {
    const ref = { orderId: params.orderId, clientOrderId: params.origClientOrderId };
    const out = await cancelOrder(caller.accountId, marketOf(params.symbol), ref, REF_FIELDS);
    if (out.status === 'pending')
      return respond(202, { symbol: params.symbol, status: 'PENDING_CANCEL', requestId: out.requestId });
    return orderCancel(out, params.newClientOrderId ?? newClientOrderId(), out.updatedAt);
  },
);

/** `GET /api/v3/order`: one order, open or ended; -2013 when the caller has no such order. */
export const queryOrderHandler = signedEndpoint('v3', orderRef, async ({ params, caller }) => {
  if (params.orderId === undefined && params.origClientOrderId === undefined) throw missing('orderId');
  const ref = { orderId: params.orderId, clientOrderId: params.origClientOrderId };
  return orderQuery(await findOrder(caller.accountId, marketOf(params.symbol), ref));
});

/** `GET /api/v3/openOrders`: the caller's open orders, in one symbol when given. */
export const openOrdersHandler = signedEndpoint(
  'v3',
  { symbol: param.symbol().optional() },
  async ({ params, caller }) =>
    (
      await openOrders(caller.accountId, params.symbol === undefined ? undefined : marketOf(params.symbol))
    ).map(orderQuery),
);

/** `GET /api/v3/allOrders`: the caller's orders of a symbol, open and ended (Binance's shape). */
export const allOrdersHandler = signedEndpoint(
  'v3',
  {
    symbol: param.symbol(),
    orderId: param.integer().optional(),
    startTime: param.integer().optional(),
    endTime: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { symbol, orderId, ...range }, caller }) =>
    (
      await orderHistoryOf(caller.accountId, {
        ...range,
        ...(orderId === undefined ? {} : { fromOrderId: orderId }),
        market: marketOf(symbol).symbol,
      })
    ).map(orderQuery),
  { weight: 20 },
);

/** `DELETE /api/v3/openOrders`: cancels every open order of a symbol; -2011 when there were none. */
export const cancelOpenOrdersHandler = signedEndpoint(
  'v3',
  { symbol: param.symbol() },
  async ({ params, caller }) => {
    const out = await cancelAllOrders(caller.accountId, marketOf(params.symbol));
    if (!Array.isArray(out))
      return respond(202, { symbol: params.symbol, status: 'PENDING_CANCEL', requestId: out.requestId });
    if (out.length === 0) throw new ApiError('UNKNOWN_ORDER', { action: 'cancel' });
    return out.map((o) => orderCancel(o, newClientOrderId(), o.updatedAt));
  },
);

/** `GET /api/v3/account`: commissions, permissions and balances (`omitZeroBalances` as on Binance). */
export const accountHandler = signedEndpoint(
  'v3',
  { omitZeroBalances: param.boolean().optional() },
  async ({ params, caller }) => {
    const all = await balances(caller.accountId);
    const shown = params.omitZeroBalances
      ? all.filter((b) => !/^0(\.0*)?$/.test(b.available) || !/^0(\.0*)?$/.test(b.locked))
      : all;
    return account(caller.accountId, shown, Date.now());
  },
);

/** `GET /api/v3/myTrades`: the caller's fills in one symbol, oldest first. */
export const myTradesHandler = signedEndpoint(
  'v3',
  {
    symbol: param.symbol(),
    orderId: param.integer({ min: 1 }).optional(),
    startTime: param.integer().optional(),
    endTime: param.integer().optional(),
    fromId: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { symbol, orderId, ...range }, caller }) => {
    const fills = await accountFills(caller.accountId, { ...range, market: marketOf(symbol).symbol });
    // The history query has no order filter: an order's fills are filtered from the page read.
    return fills.filter((f) => orderId === undefined || f.orderId === orderId).map(myTrade);
  },
);
