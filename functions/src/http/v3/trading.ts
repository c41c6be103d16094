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
import {
  CANCEL_REPLACE_MODES,
  CLIENT_ORDER_ID,
  isConditional,
  type OrderType,
  SIDES,
  STP_MODES,
  TIME_IN_FORCE,
} from '@exchange/protocol';
import { z } from 'zod';
import { resolveMarket } from '../../markets.js';
import {
  accountFills,
  amendOrder,
  balances,
  cancelAllOrders,
  cancelOrder,
  cancelOrderList,
  cancelReplaceOrder,
  findOrder,
  findOrderList,
  newClientOrderId,
  type OrderListLegRequest,
  type OrderRequest,
  openOrderLists,
  openOrders,
  orderHistoryOf,
  orderListHistory,
  placeOrder,
  placeOrderList,
  testOrder,
} from '../../trading/index.js';
import { ApiError, param, rejectionError, respond, signedEndpoint } from '../api.js';
import {
  account,
  BINANCE_ORDER_TYPES,
  myTrade,
  ORDER_RESPONSE_TYPES,
  orderAck,
  orderAmended,
  orderCancel,
  orderFull,
  orderListCanceled,
  orderListPlaced,
  orderListQuery,
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
  stopPrice: param.decimal().optional(),
  trailingDelta: param.integer({ min: 1 }).optional(),
};
type NewOrderParams = z.output<z.ZodObject<typeof newOrder>>;

const notRequired = (field: string) => new ApiError('PARAMETER_NOT_REQUIRED', { field });
const missing = (field: string) => new ApiError('MISSING_PARAMETER', { field });

/** The engine's type of a Binance type (`LIMIT_MAKER` is a post-only `LIMIT`). */
function engineType(type: (typeof BINANCE_ORDER_TYPES)[number]): OrderType {
  return type === 'LIMIT_MAKER' ? 'LIMIT' : type;
}

/** Binance's per-type parameter rules, then the native order request. */
function toOrderRequest(p: NewOrderParams): OrderRequest {
  const type = engineType(p.type);
  const priced = type === 'LIMIT' || type.endsWith('_LIMIT');
  if (!priced) {
    if (p.price !== undefined) throw notRequired('price');
    if (p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined && p.quoteOrderQty === undefined) throw missing('quantity');
    if (p.quantity !== undefined && p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  } else {
    if (p.type !== 'LIMIT_MAKER' && p.timeInForce === undefined) throw missing('timeInForce');
    if (p.type === 'LIMIT_MAKER' && p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined) throw missing('quantity');
    if (p.price === undefined) throw missing('price');
    if (p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  }
  if (isConditional(type)) {
    if (p.stopPrice === undefined && p.trailingDelta === undefined) throw missing('stopPrice');
  } else {
    if (p.stopPrice !== undefined) throw notRequired('stopPrice');
    if (p.trailingDelta !== undefined) throw notRequired('trailingDelta');
  }
  return {
    market: resolveMarket(p.symbol),
    side: p.side,
    orderType: type,
    postOnly: p.type === 'LIMIT_MAKER' ? true : undefined,
    timeInForce: p.timeInForce,
    price: p.price,
    quantity: p.quantity,
    quoteQuantity: p.quoteOrderQty,
    clientOrderId: p.newClientOrderId,
    selfTradePrevention: p.selfTradePreventionMode,
    stopPrice: p.stopPrice,
    trailingDelta: p.trailingDelta,
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
    const out = await cancelOrder(caller.accountId, resolveMarket(params.symbol), ref, REF_FIELDS);
    if (out.status === 'pending')
      return respond(202, { symbol: params.symbol, status: 'PENDING_CANCEL', requestId: out.requestId });
    return orderCancel(out, params.newClientOrderId ?? newClientOrderId(), out.updatedAt);
  },
);

/** `GET /api/v3/order`: one order, open or ended; -2013 when the caller has no such order. */
export const queryOrderHandler = signedEndpoint('v3', orderRef, async ({ params, caller }) => {
  if (params.orderId === undefined && params.origClientOrderId === undefined) throw missing('orderId');
  const ref = { orderId: params.orderId, clientOrderId: params.origClientOrderId };
  return orderQuery(await findOrder(caller.accountId, resolveMarket(params.symbol), ref));
});

/** `GET /api/v3/openOrders`: the caller's open orders, in one symbol when given. */
export const openOrdersHandler = signedEndpoint(
  'v3',
  { symbol: param.symbol().optional() },
  async ({ params, caller }) =>
    (
      await openOrders(
        caller.accountId,
        params.symbol === undefined ? undefined : resolveMarket(params.symbol),
      )
    ).map(orderQuery),
);

/** `GET /api/v3/allOrders`: the caller's orders of a symbol, open and ended (Binance's shape). */
export const allOrdersHandler = signedEndpoint(
  'v3',
  {
    symbol: param.symbol(),
    orderId: param.integer().optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { symbol, orderId, ...range }, caller }) =>
    (
      await orderHistoryOf(caller.accountId, {
        ...range,
        ...(orderId === undefined ? {} : { fromOrderId: orderId }),
        market: resolveMarket(symbol).symbol,
      })
    ).map(orderQuery),
  { weight: 20 },
);

/** `DELETE /api/v3/openOrders`: cancels every open order of a symbol; -2011 when there were none. */
export const cancelOpenOrdersHandler = signedEndpoint(
  'v3',
  { symbol: param.symbol() },
  async ({ params, caller }) => {
    const out = await cancelAllOrders(caller.accountId, resolveMarket(params.symbol));
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
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    fromId: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { symbol, orderId, ...range }, caller }) => {
    const fills = await accountFills(caller.accountId, { ...range, market: resolveMarket(symbol).symbol });
    // The history query has no order filter: an order's fills are filtered from the page read.
    return fills.filter((f) => orderId === undefined || f.orderId === orderId).map(myTrade);
  },
);

/** Binance's OCO leg types: a limit maker, or a stop / take-profit order. */
const LEG_TYPES = [
  'LIMIT_MAKER',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;

const leg = (name: 'above' | 'below') => ({
  [`${name}Type`]: z.enum(LEG_TYPES),
  [`${name}ClientOrderId`]: clientOrderId.optional(),
  [`${name}Price`]: param.decimal().optional(),
  [`${name}StopPrice`]: param.decimal().optional(),
  [`${name}TrailingDelta`]: param.integer({ min: 1 }).optional(),
  [`${name}TimeInForce`]: z.enum(TIME_IN_FORCE).optional(),
});

const ocoParams = {
  symbol: param.symbol(),
  listClientOrderId: clientOrderId.optional(),
  side: z.enum(SIDES),
  quantity: param.decimal(),
  newOrderRespType: z.enum(ORDER_RESPONSE_TYPES).optional(),
  selfTradePreventionMode: z.enum(STP_MODES).optional(),
  ...leg('above'),
  ...leg('below'),
};

/** One leg's parameters (`aboveType`, `abovePrice` …) with Binance's per-type rules. */
function legRequest(p: Readonly<Record<string, unknown>>, name: 'above' | 'below'): OrderListLegRequest {
  const field = (suffix: string) => `${name}${suffix}`;
  const type = p[field('Type')] as (typeof LEG_TYPES)[number];
  const price = p[field('Price')] as string | undefined;
  const stopPrice = p[field('StopPrice')] as string | undefined;
  const trailingDelta = p[field('TrailingDelta')] as number | undefined;
  const timeInForce = p[field('TimeInForce')] as OrderRequest['timeInForce'];
  const priced = type === 'LIMIT_MAKER' || type.endsWith('_LIMIT');
  if (priced && price === undefined) throw missing(field('Price'));
  if (!priced && price !== undefined) throw notRequired(field('Price'));
  if (type === 'LIMIT_MAKER') {
    if (stopPrice !== undefined) throw notRequired(field('StopPrice'));
    if (trailingDelta !== undefined) throw notRequired(field('TrailingDelta'));
  } else if (stopPrice === undefined && trailingDelta === undefined) {
    throw missing(field('StopPrice'));
  }
  if (type.endsWith('_LIMIT') && timeInForce === undefined) throw missing(field('TimeInForce'));
  if (!type.endsWith('_LIMIT') && timeInForce !== undefined) throw notRequired(field('TimeInForce'));
  return {
    orderType: type === 'LIMIT_MAKER' ? 'LIMIT' : type,
    postOnly: type === 'LIMIT_MAKER' ? true : undefined,
    timeInForce,
    price,
    stopPrice,
    trailingDelta,
    clientOrderId: p[field('ClientOrderId')] as string | undefined,
  };
}

const legFields = (name: 'above' | 'below') => ({
  price: `${name}Price`,
  quantity: 'quantity',
  quoteQuantity: 'quantity',
  stopPrice: `${name}StopPrice`,
  trailingDelta: `${name}TrailingDelta`,
});

/** `POST /api/v3/orderList/oco`: an above and a below order; when one fills or triggers, the other expires. */
export const newOcoHandler = signedEndpoint('v3', ocoParams, async ({ params, caller }) => {
  const listClientOrderId = params.listClientOrderId ?? newClientOrderId();
  const out = await placeOrderList(
    caller.accountId,
    {
      market: resolveMarket(params.symbol),
      side: params.side,
      quantity: params.quantity,
      listClientOrderId,
      selfTradePrevention: params.selfTradePreventionMode,
      above: legRequest(params, 'above'),
      below: legRequest(params, 'below'),
    },
    legFields,
  );
  if (!('orderListId' in out))
    return respond(202, {
      symbol: params.symbol,
      orderListId: -1,
      listClientOrderId,
      listOrderStatus: 'PENDING_NEW',
      requestId: out.requestId,
    });
  return orderListPlaced(out, listClientOrderId);
});

const listRef = {
  symbol: param.symbol(),
  orderListId: param.integer({ min: 1 }).optional(),
  listClientOrderId: clientOrderId.optional(),
};

/** `DELETE /api/v3/orderList` by `orderListId` or `listClientOrderId`: cancels both orders. */
export const cancelOrderListHandler = signedEndpoint(
  'v3',
  { ...listRef, newClientOrderId: clientOrderId.optional() },
  async ({ params, caller }) => {
    const out = await cancelOrderList(caller.accountId, resolveMarket(params.symbol), params);
    if (!('orderListId' in out))
      return respond(202, {
        symbol: params.symbol,
        listOrderStatus: 'PENDING_CANCEL',
        requestId: out.requestId,
      });
    const listClientOrderId = params.newClientOrderId ?? out.listClientOrderId ?? newClientOrderId();
    return orderListCanceled(out, listClientOrderId, Date.now());
  },
);

/** `GET /api/v3/orderList` by `orderListId` or `origClientOrderId` (the list's client id). */
export const queryOrderListHandler = signedEndpoint(
  'v3',
  { orderListId: param.integer({ min: 1 }).optional(), origClientOrderId: clientOrderId.optional() },
  async ({ params, caller }) => {
    // Binance: with both, `orderListId` wins.
    const ref =
      params.orderListId !== undefined
        ? { orderListId: params.orderListId }
        : { listClientOrderId: params.origClientOrderId };
    const fields = { orderId: 'orderListId', clientOrderId: 'origClientOrderId' };
    return orderListQuery(await findOrderList(caller.accountId, ref, fields));
  },
  { weight: 4 },
);

/** `GET /api/v3/openOrderList`: the caller's lists whose orders are both open. */
export const openOrderListHandler = signedEndpoint(
  'v3',
  {},
  async ({ caller }) => (await openOrderLists(caller.accountId)).map(orderListQuery),
  { weight: 6 },
);

/** `GET /api/v3/allOrderList`: the caller's lists, open and ended (`fromId`, `startTime`, `endTime`, `limit`). */
export const allOrderListHandler = signedEndpoint(
  'v3',
  {
    fromId: param.integer({ min: 1 }).optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params, caller }) => (await orderListHistory(caller.accountId, params)).map(orderListQuery),
  { weight: 20 },
);

/** `PUT /api/v3/order/amend/keepPriority`: lower `newQty`, same place in the queue; -2038 for an increase. */
export const amendKeepPriorityHandler = signedEndpoint(
  'v3',
  { ...orderRef, newClientOrderId: clientOrderId.optional(), newQty: param.decimal() },
  async ({ params, caller }) => {
    const ref = { orderId: params.orderId, clientOrderId: params.origClientOrderId };
    const market = resolveMarket(params.symbol);
    const out = await amendOrder(
      caller.accountId,
      market,
      ref,
      { quantity: params.newQty, newClientOrderId: params.newClientOrderId },
      { ...REF_FIELDS, quantity: 'newQty' },
    );
    if (!('order' in out))
      return respond(202, { symbol: params.symbol, status: 'PENDING_AMEND', requestId: out.requestId });
    const before =
      params.origClientOrderId ?? (params.newClientOrderId === undefined ? out.order.clientOrderId : null);
    return orderAmended(out.order, out.list, before ?? '');
  },
);

/** A failed half as Binance reports it inside a cancel-replace answer. */
function failure(code: Parameters<typeof rejectionError>[0]) {
  return rejectionError(code, { action: 'cancel' }).body('v3');
}

/**
 * `POST /api/v3/order/cancelReplace`: cancel and place as one engine command. 200 when both
 * halves succeeded; 409 (-2021) when one did; 400 (-2022) when neither did — with Binance's
 * `cancelResult`, `newOrderResult`, `cancelResponse`, `newOrderResponse`.
 */
export const cancelReplaceHandler = signedEndpoint(
  'v3',
  {
    ...newOrder,
    cancelReplaceMode: z.enum(CANCEL_REPLACE_MODES),
    cancelOrderId: param.integer({ min: 1 }).optional(),
    cancelOrigClientOrderId: clientOrderId.optional(),
    cancelNewClientOrderId: clientOrderId.optional(),
  },
  async ({ params, caller }) => {
    const out = await cancelReplaceOrder(
      caller.accountId,
      params.cancelReplaceMode,
      { orderId: params.cancelOrderId, clientOrderId: params.cancelOrigClientOrderId },
      toOrderRequest(params),
      V3_FIELDS,
      { orderId: 'cancelOrderId', clientOrderId: 'cancelOrigClientOrderId' },
    );
    if (out.status === 'pending')
      return respond(202, { symbol: params.symbol, status: 'PENDING_NEW', requestId: out.requestId });
    const { outcome, canceled, placed } = out;
    const cancelClientOrderId = params.cancelNewClientOrderId ?? newClientOrderId();
    const [first] = canceled;
    const cancelResponse =
      outcome.cancelCode === null && first !== undefined
        ? orderCancel(first, cancelClientOrderId, first.updatedAt)
        : failure(outcome.cancelCode ?? 'UNKNOWN_ORDER');
    let newOrderResponse: unknown = null;
    if (placed !== undefined) {
      const time = placed.order.updatedAt;
      newOrderResponse =
        params.newOrderRespType === 'ACK'
          ? orderAck(placed.order, time)
          : params.newOrderRespType === 'RESULT'
            ? orderResult(placed.order, time)
            : orderFull(placed.order, placed.fills, time);
    } else if (outcome.orderCode !== null && outcome.orderCode !== 'NOT_ATTEMPTED') {
      newOrderResponse = failure(outcome.orderCode);
    }
    const data = {
      cancelResult: outcome.cancelCode === null ? 'SUCCESS' : 'FAILURE',
      newOrderResult:
        outcome.orderCode === null
          ? 'SUCCESS'
          : outcome.orderCode === 'NOT_ATTEMPTED'
            ? 'NOT_ATTEMPTED'
            : 'FAILURE',
      cancelResponse,
      newOrderResponse,
    };
    if (outcome.cancelCode === null && outcome.orderCode === null) return data;
    if (outcome.cancelCode === null || outcome.orderCode === null)
      return respond(409, { code: -2021, msg: 'Order cancel-replace partially failed.', data });
    return respond(400, { code: -2022, msg: 'Order cancel-replace failed.', data });
  },
);
