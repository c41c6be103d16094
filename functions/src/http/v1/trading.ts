/**
 * Trading on `/api/v1`, the native face: markets as `SOL_USDC`, orders and fills in the
 * engine's own vocabulary (see `trading/`). Every route is signed and touches only the
 * caller's account.
 *
 * | route                  | answer                                                                      |
 * | ---------------------- | --------------------------------------------------------------------------- |
 * | route                             | answer                                                                |
 * | --------------------------------- | --------------------------------------------------------------------- |
 * | `POST /api/v1/order`              | 200 `{order, fills}`; 202 `{status:'PENDING', requestId, market, clientOrderId}` |
 * | `DELETE /api/v1/order`            | 200 `{order}` (cancelled); 202 `{status:'PENDING', requestId}`         |
 * | `GET /api/v1/order`               | 200 `{order}`, open or ended                                          |
 * | `POST /api/v1/order/amend`        | 200 `{order, orderList}` (`orderList`: its OCO's orders, else `[]`)   |
 * | `POST /api/v1/order/cancelReplace`| 200 `{cancel, newOrder}`, each half's `status` and result; 4xx when neither half succeeded |
 * | `GET /api/v1/orders`              | 200 `{orders}`, the open ones                                         |
 * | `DELETE /api/v1/orders`           | 200 `{orders}` (cancelled, possibly none); 202 as above               |
 * | `POST /api/v1/orderList`          | 200 `{orderList}` (an OCO: `above` and `below` legs)                  |
 * | `DELETE /api/v1/orderList`        | 200 `{orderList}` (both orders cancelled)                             |
 * | `GET /api/v1/orderList`           | 200 `{orderList}`, open or ended                                      |
 * | `GET /api/v1/orderLists`          | 200 `{orderLists}`, those whose two orders are open                   |
 * | `GET /api/v1/orderLists/history`  | 200 `{orderLists}`, open and ended, oldest first                      |
 * | `GET /api/v1/balances`            | 200 `{balances: [{asset, available, locked}]}`                        |
 * | `GET /api/v1/fills`               | 200 `{fills}`, oldest first                                           |
 *
 * Stop and take-profit types take `stopPrice` and/or `trailingDelta` (basis points); see
 * docs/orders.md for what each does.
 */
import {
  CANCEL_REPLACE_MODES,
  CLIENT_ORDER_ID,
  ORDER_TYPES,
  type RejectCode,
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
  type OrderRequest,
  openOrderLists,
  openOrders,
  orderHistoryOf,
  orderListHistory,
  type Pending,
  placeOrder,
  placeOrderList,
} from '../../trading/index.js';
import { ApiError, param, rejectionError, respond, signedEndpoint } from '../api.js';

const clientOrderId = z.string().regex(CLIENT_ORDER_ID);
const orderRef = {
  market: param.symbol(),
  orderId: param.integer({ min: 1 }).optional(),
  clientOrderId: clientOrderId.optional(),
};

const pending = (out: Pending, extra: Record<string, unknown> = {}) =>
  respond(202, { status: 'PENDING', requestId: out.requestId, ...extra });

/** One order's parameters, as `POST order` and `POST order/cancelReplace` take them. */
const orderParams = {
  market: param.symbol(),
  side: z.enum(SIDES),
  type: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE).optional(),
  postOnly: param.boolean().optional(),
  price: param.decimal().optional(),
  quantity: param.decimal().optional(),
  quoteQuantity: param.decimal().optional(),
  clientOrderId: clientOrderId.optional(),
  selfTradePrevention: z.enum(STP_MODES).optional(),
  stopPrice: param.decimal().optional(),
  trailingDelta: param.integer({ min: 1 }).optional(),
};
type OrderParams = z.output<z.ZodObject<typeof orderParams>>;

function orderRequest({ market, type, ...order }: OrderParams): OrderRequest {
  return { ...order, market: resolveMarket(market, 'market'), orderType: type };
}

/** `POST /api/v1/order`: places an order and answers with the engine's result. */
export const placeOrderHandler = signedEndpoint('v1', orderParams, async ({ params, caller }) => {
  const out = await placeOrder(caller.accountId, orderRequest(params));
  if (out.status === 'pending') return pending(out, { market: out.market, clientOrderId: out.clientOrderId });
  return { order: out.order, fills: out.fills };
});

/** `DELETE /api/v1/order`: cancels one open order by `orderId` or `clientOrderId`. */
export const cancelOrderHandler = signedEndpoint('v1', orderRef, async ({ params, caller }) => {
  const out = await cancelOrder(caller.accountId, resolveMarket(params.market, 'market'), params);
  return 'status' in out && out.status === 'pending' ? pending(out) : { order: out };
});

/** `GET /api/v1/order`: one of the caller's orders, open or ended. */
export const getOrderHandler = signedEndpoint('v1', orderRef, async ({ params, caller }) => ({
  order: await findOrder(caller.accountId, resolveMarket(params.market, 'market'), params),
}));

/** `GET /api/v1/orders`: the caller's open orders, in one market when `market` is given. */
export const openOrdersHandler = signedEndpoint(
  'v1',
  { market: param.symbol().optional() },
  async ({ params, caller }) => ({
    orders: await openOrders(
      caller.accountId,
      params.market === undefined ? undefined : resolveMarket(params.market, 'market'),
    ),
  }),
);

/** `GET /api/v1/orders/history`: the caller's orders, open and ended, in placement order. */
export const orderHistoryHandler = signedEndpoint(
  'v1',
  {
    market: param.symbol().optional(),
    fromOrderId: param.integer().optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { market, ...range }, caller }) => ({
    orders: await orderHistoryOf(caller.accountId, {
      ...range,
      ...(market === undefined ? {} : { market: resolveMarket(market, 'market').symbol }),
    }),
  }),
);

/** `DELETE /api/v1/orders`: cancels every open order of the caller in `market`. */
export const cancelAllHandler = signedEndpoint(
  'v1',
  { market: param.symbol() },
  async ({ params, caller }) => {
    const out = await cancelAllOrders(caller.accountId, resolveMarket(params.market, 'market'));
    return Array.isArray(out) ? { orders: out } : pending(out);
  },
);

/** `GET /api/v1/balances`: the caller's balance of every asset. */
export const balancesHandler = signedEndpoint('v1', {}, async ({ caller }) => ({
  balances: await balances(caller.accountId),
}));

/** `GET /api/v1/fills`: the caller's fills, oldest first; `fromId` needs `market`. */
export const fillsHandler = signedEndpoint(
  'v1',
  {
    market: param.symbol().optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    fromId: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { market, ...range }, caller }) => {
    if (range.fromId !== undefined && market === undefined)
      throw new ApiError('MISSING_PARAMETER', { field: 'market' });
    return {
      fills: await accountFills(caller.accountId, {
        ...range,
        ...(market === undefined ? {} : { market: resolveMarket(market, 'market').symbol }),
      }),
    };
  },
);

/** `POST /api/v1/order/amend`: reduces an open order to `quantity`, keeping its place in the queue. */
export const amendOrderHandler = signedEndpoint(
  'v1',
  { ...orderRef, quantity: param.decimal(), newClientOrderId: clientOrderId.optional() },
  async ({ params, caller }) => {
    const out = await amendOrder(caller.accountId, resolveMarket(params.market, 'market'), params, params);
    return 'order' in out ? { order: out.order, orderList: out.list } : pending(out);
  },
);

/** A half of a cancel-replace that failed, as `/api/v1` words an error. */
function failed(code: RejectCode) {
  return { status: 'FAILURE', error: rejectionError(code, { action: 'cancel' }).body('v1') };
}

/**
 * `POST /api/v1/order/cancelReplace`: cancels `cancelOrderId`/`cancelClientOrderId` and places
 * the order, as one engine command. 200 when at least one half succeeded, each half's
 * `status` (`SUCCESS`, `FAILURE` with its `error`, `NOT_ATTEMPTED`); when neither did, the
 * error of the half that decided it (the cancel in `STOP_ON_FAILURE`, else the new order).
 */
export const cancelReplaceHandler = signedEndpoint(
  'v1',
  {
    ...orderParams,
    mode: z.enum(CANCEL_REPLACE_MODES),
    cancelOrderId: param.integer({ min: 1 }).optional(),
    cancelClientOrderId: clientOrderId.optional(),
  },
  async ({ params: { mode, cancelOrderId, cancelClientOrderId, ...order }, caller }) => {
    const out = await cancelReplaceOrder(
      caller.accountId,
      mode,
      { orderId: cancelOrderId, clientOrderId: cancelClientOrderId },
      orderRequest(order),
    );
    if (out.status === 'pending') return pending(out);
    const { outcome, canceled, placed } = out;
    if (outcome.cancelCode !== null && outcome.orderCode !== null) {
      const code = outcome.orderCode === 'NOT_ATTEMPTED' ? outcome.cancelCode : outcome.orderCode;
      throw rejectionError(code, { action: 'cancel' });
    }
    return {
      cancel:
        outcome.cancelCode === null ? { status: 'SUCCESS', orders: canceled } : failed(outcome.cancelCode),
      newOrder:
        outcome.orderCode === null
          ? { status: 'SUCCESS', order: placed?.order, fills: placed?.fills ?? [] }
          : outcome.orderCode === 'NOT_ATTEMPTED'
            ? { status: 'NOT_ATTEMPTED' }
            : failed(outcome.orderCode),
    };
  },
);

const legParams = z.strictObject({
  type: z.enum(ORDER_TYPES),
  postOnly: param.boolean().optional(),
  timeInForce: z.enum(TIME_IN_FORCE).optional(),
  price: param.decimal().optional(),
  stopPrice: param.decimal().optional(),
  trailingDelta: param.integer({ min: 1 }).optional(),
  clientOrderId: clientOrderId.optional(),
});

/**
 * `POST /api/v1/orderList`: an OCO list, `above` and `below` the market (each a post-only
 * `LIMIT` or a stop / take-profit order); when one fills or fires, the other expires.
 */
export const placeOrderListHandler = signedEndpoint(
  'v1',
  {
    market: param.symbol(),
    side: z.enum(SIDES),
    quantity: param.decimal(),
    listClientOrderId: clientOrderId.optional(),
    selfTradePrevention: z.enum(STP_MODES).optional(),
    above: legParams,
    below: legParams,
  },
  async ({ params: { market, above, below, ...list }, caller }) => {
    const leg = ({ type, ...rest }: z.output<typeof legParams>) => ({ ...rest, orderType: type });
    const out = await placeOrderList(caller.accountId, {
      ...list,
      market: resolveMarket(market, 'market'),
      above: leg(above),
      below: leg(below),
    });
    return 'orderListId' in out ? { orderList: out } : pending(out);
  },
);

const listRef = {
  orderListId: param.integer({ min: 1 }).optional(),
  listClientOrderId: clientOrderId.optional(),
};

/** `DELETE /api/v1/orderList` by `orderListId` or `listClientOrderId`: cancels both orders. */
export const cancelOrderListHandler = signedEndpoint(
  'v1',
  { market: param.symbol(), ...listRef },
  async ({ params, caller }) => {
    const out = await cancelOrderList(caller.accountId, resolveMarket(params.market, 'market'), params);
    return 'orderListId' in out ? { orderList: out } : pending(out);
  },
);

/** `GET /api/v1/orderList` by `orderListId` or `listClientOrderId`: one list, open or ended. */
export const getOrderListHandler = signedEndpoint('v1', listRef, async ({ params, caller }) => {
  if (params.orderListId !== undefined && params.listClientOrderId !== undefined) {
    throw new ApiError('PARAMETER_NOT_REQUIRED', {
      field: 'listClientOrderId',
      detail: 'give orderListId or listClientOrderId, not both',
    });
  }
  return { orderList: await findOrderList(caller.accountId, params) };
});

/** `GET /api/v1/orderLists`: the caller's lists whose two orders are open, in one market when given. */
export const openOrderListsHandler = signedEndpoint(
  'v1',
  { market: param.symbol().optional() },
  async ({ params, caller }) => ({
    orderLists: await openOrderLists(
      caller.accountId,
      params.market === undefined ? undefined : resolveMarket(params.market, 'market'),
    ),
  }),
);

/** `GET /api/v1/orderLists/history`: the caller's lists, open and ended, oldest first. */
export const orderListHistoryHandler = signedEndpoint(
  'v1',
  {
    fromId: param.integer({ min: 1 }).optional(),
    startTime: param.time().optional(),
    endTime: param.time().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params, caller }) => ({ orderLists: await orderListHistory(caller.accountId, params) }),
);
