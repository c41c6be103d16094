/**
 * Trading on `/api/v3`, Binance's Spot API: its paths, parameter names and rules
 * (`order-params.ts`), response shapes (`binance-format.ts`) and error codes, over the
 * same `trading/` as `/api/v1`. The handlers; each is one Lambda (`../trading-routes.ts`).
 * Symbols are markets without the underscore (`SOLUSDC`). Every route is signed.
 *
 * `POST order` (+ `order/test`), `DELETE order`, `GET order`, `GET openOrders`,
 * `DELETE openOrders`, `GET account`, `GET myTrades`. An order whose engine reply is
 * late answers 202 `{symbol, orderId: -1, orderListId: -1, clientOrderId, transactTime,
 * status: 'PENDING_NEW', requestId}`; it is still processed exactly once.
 */
import { CANCEL_REPLACE_MODES } from '@exchange/protocol';
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
  openOrderLists,
  openOrders,
  orderHistoryOf,
  orderListHistory,
  placeOrder,
  placeOrderList,
  testOrder,
} from '../../trading/index.js';
import { ApiError, param, respond, signedEndpoint } from '../api.js';
import {
  account,
  cancelReplaceData,
  myTrade,
  orderAmended,
  orderCancel,
  orderListCanceled,
  orderListPlaced,
  orderListQuery,
  orderQuery,
  orderResponse,
} from './binance-format.js';
import {
  clientOrderIdParam,
  listRefParams,
  missingParameter,
  newOrderParams,
  ocoParams,
  orderRefParams,
  REF_FIELDS,
  toOrderListRequest,
  toOrderRequest,
  V3_FIELDS,
  V3_LEG_FIELDS,
} from './order-params.js';

/** `POST /api/v3/order`: ACK, RESULT or FULL (the default) as `newOrderRespType` asks. */
export const newOrderHandler = signedEndpoint('v3', newOrderParams, async ({ params, caller }) => {
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
  return orderResponse(params.newOrderRespType, out.order, out.fills, out.order.updatedAt);
});

/** `POST /api/v3/order/test`: validates like `POST /api/v3/order`, sends nothing; `{}`. */
export const testOrderHandler = signedEndpoint('v3', newOrderParams, ({ params, caller }) => {
  testOrder(caller.accountId, toOrderRequest(params), V3_FIELDS);
  return {};
});

/** `DELETE /api/v3/order` by `orderId` or `origClientOrderId`; -2011 when there is no such open order. */
export const cancelOrderHandler = signedEndpoint(
  'v3',
  { ...orderRefParams, newClientOrderId: clientOrderIdParam.optional() },
  async ({ params, caller }) => {
    const ref = { orderId: params.orderId, clientOrderId: params.origClientOrderId };
    const out = await cancelOrder(caller.accountId, resolveMarket(params.symbol), ref, REF_FIELDS);
    if (out.status === 'pending')
      return respond(202, { symbol: params.symbol, status: 'PENDING_CANCEL', requestId: out.requestId });
    return orderCancel(out, params.newClientOrderId ?? newClientOrderId(), out.updatedAt);
  },
);

/** `GET /api/v3/order`: one order, open or ended; -2013 when the caller has no such order. */
export const queryOrderHandler = signedEndpoint('v3', orderRefParams, async ({ params, caller }) => {
  if (params.orderId === undefined && params.origClientOrderId === undefined)
    throw missingParameter('orderId');
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

/** `POST /api/v3/orderList/oco`: an above and a below order; when one fills or triggers, the other expires. */
export const newOcoHandler = signedEndpoint('v3', ocoParams, async ({ params, caller }) => {
  const listClientOrderId = params.listClientOrderId ?? newClientOrderId();
  const out = await placeOrderList(
    caller.accountId,
    toOrderListRequest(params, listClientOrderId),
    V3_LEG_FIELDS,
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

/** `DELETE /api/v3/orderList` by `orderListId` or `listClientOrderId`: cancels both orders. */
export const cancelOrderListHandler = signedEndpoint(
  'v3',
  { ...listRefParams, newClientOrderId: clientOrderIdParam.optional() },
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
  { orderListId: param.integer({ min: 1 }).optional(), origClientOrderId: clientOrderIdParam.optional() },
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
  { ...orderRefParams, newClientOrderId: clientOrderIdParam.optional(), newQty: param.decimal() },
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

/**
 * `POST /api/v3/order/cancelReplace`: cancel and place as one engine command. 200 when both
 * halves succeeded; 409 (-2021) when one did; 400 (-2022) when neither did — with Binance's
 * `cancelResult`, `newOrderResult`, `cancelResponse`, `newOrderResponse`.
 */
export const cancelReplaceHandler = signedEndpoint(
  'v3',
  {
    ...newOrderParams,
    cancelReplaceMode: z.enum(CANCEL_REPLACE_MODES),
    cancelOrderId: param.integer({ min: 1 }).optional(),
    cancelOrigClientOrderId: clientOrderIdParam.optional(),
    cancelNewClientOrderId: clientOrderIdParam.optional(),
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
    const { outcome } = out;
    const cancelClientOrderId = params.cancelNewClientOrderId ?? newClientOrderId();
    const data = cancelReplaceData(out, cancelClientOrderId, params.newOrderRespType);
    if (outcome.cancelCode === null && outcome.orderCode === null) return data;
    if (outcome.cancelCode === null || outcome.orderCode === null)
      return respond(409, { code: -2021, msg: 'Order cancel-replace partially failed.', data });
    return respond(400, { code: -2022, msg: 'Order cancel-replace failed.', data });
  },
);
