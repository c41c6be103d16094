/**
 * Trading on `/api/v1`, the native face: markets as `SOL_USDC`, orders and fills in the
 * engine's own vocabulary (see `trading/`). Every route is signed and touches only the
 * caller's account.
 *
 * | route                  | answer                                                                      |
 * | ---------------------- | --------------------------------------------------------------------------- |
 * | `POST /api/v1/order`   | 200 `{order, fills}`; 202 `{status:'PENDING', requestId, market, clientOrderId}` |
 * | `DELETE /api/v1/order` | 200 `{order}` (cancelled); 202 `{status:'PENDING', requestId}`               |
 * | `GET /api/v1/order`    | 200 `{order}`, open or ended                                                |
 * | `GET /api/v1/orders`   | 200 `{orders}`, the open ones                                               |
 * | `DELETE /api/v1/orders`| 200 `{orders}` (cancelled, possibly none); 202 as above                     |
 * | `GET /api/v1/balances` | 200 `{balances: [{asset, available, locked}]}`                              |
 * | `GET /api/v1/fills`    | 200 `{fills}`, oldest first                                                 |
 */
import { CLIENT_ORDER_ID, ORDER_TYPES, SIDES, STP_MODES, TIME_IN_FORCE } from '@exchange/protocol';
import { z } from 'zod';
import {
  accountFills,
  balances,
  cancelAllOrders,
  cancelOrder,
  findOrder,
  marketOf,
  openOrders,
  orderHistoryOf,
  type Pending,
  placeOrder,
} from '../../trading/index.js';
import { ApiError, param, respond, signedEndpoint } from '../api.js';

const clientOrderId = z.string().regex(CLIENT_ORDER_ID);
const orderRef = {
  market: param.symbol(),
  orderId: param.integer({ min: 1 }).optional(),
  clientOrderId: clientOrderId.optional(),
};

const pending = (out: Pending, extra: Record<string, unknown> = {}) =>
  respond(202, { status: 'PENDING', requestId: out.requestId, ...extra });

/** `POST /api/v1/order`: places an order and answers with the engine's result. */
export const placeOrderHandler = signedEndpoint(
  'v1',
  {
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
  },
  async ({ params: { market, type, ...order }, caller }) => {
    const out = await placeOrder(caller.accountId, {
      ...order,
      market: marketOf(market, 'market'),
      orderType: type,
    });
    if (out.status === 'pending')
      return pending(out, { market: out.market, clientOrderId: out.clientOrderId });
    return { order: out.order, fills: out.fills };
  },
);

/** `DELETE /api/v1/order`: cancels one open order by `orderId` or `clientOrderId`. */
export const cancelOrderHandler = signedEndpoint('v1', orderRef, async ({ params, caller }) => {
  const out = await cancelOrder(caller.accountId, marketOf(params.market, 'market'), params);
  return 'status' in out && out.status === 'pending' ? pending(out) : { order: out };
});

/** `GET /api/v1/order`: one of the caller's orders, open or ended. */
export const getOrderHandler = signedEndpoint('v1', orderRef, async ({ params, caller }) => ({
  order: await findOrder(caller.accountId, marketOf(params.market, 'market'), params),
}));

/** `GET /api/v1/orders`: the caller's open orders, in one market when `market` is given. */
export const openOrdersHandler = signedEndpoint(
  'v1',
  { market: param.symbol().optional() },
  async ({ params, caller }) => ({
    orders: await openOrders(
      caller.accountId,
      params.market === undefined ? undefined : marketOf(params.market, 'market'),
    ),
  }),
);

/** `GET /api/v1/orders/history`: the caller's orders, open and ended, in placement order. */
export const orderHistoryHandler = signedEndpoint(
  'v1',
  {
    market: param.symbol().optional(),
    fromOrderId: param.integer().optional(),
    startTime: param.integer().optional(),
    endTime: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { market, ...range }, caller }) => ({
    orders: await orderHistoryOf(caller.accountId, {
      ...range,
      ...(market === undefined ? {} : { market: marketOf(market, 'market').symbol }),
    }),
  }),
);

/** `DELETE /api/v1/orders`: cancels every open order of the caller in `market`. */
export const cancelAllHandler = signedEndpoint(
  'v1',
  { market: param.symbol() },
  async ({ params, caller }) => {
    const out = await cancelAllOrders(caller.accountId, marketOf(params.market, 'market'));
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
    startTime: param.integer().optional(),
    endTime: param.integer().optional(),
    fromId: param.integer().optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params: { market, ...range }, caller }) => {
    if (range.fromId !== undefined && market === undefined)
      throw new ApiError('MISSING_PARAMETER', { field: 'market' });
    return {
      fills: await accountFills(caller.accountId, {
        ...range,
        ...(market === undefined ? {} : { market: marketOf(market, 'market').symbol }),
      }),
    };
  },
);
