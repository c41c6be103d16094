/** The trading routes of both faces (`/api/v1`, `/api/v3`); part of `HTTP_ROUTES`. */
import type { HttpRoute } from '../http-routes.js';

const v1 = 'http/v1/trading';
const v3 = 'http/v3/trading';

export const TRADING_ROUTES: readonly HttpRoute[] = [
  // Native face (functions/src/http/v1/trading.ts, onramp.ts, withdrawals.ts).
  { method: 'POST', path: '/api/v1/order', handler: v1, export: 'placeOrderHandler' },
  { method: 'DELETE', path: '/api/v1/order', handler: v1, export: 'cancelOrderHandler' },
  { method: 'GET', path: '/api/v1/order', handler: v1, export: 'getOrderHandler' },
  { method: 'GET', path: '/api/v1/orders', handler: v1, export: 'openOrdersHandler' },
  { method: 'DELETE', path: '/api/v1/orders', handler: v1, export: 'cancelAllHandler' },
  { method: 'GET', path: '/api/v1/orders/history', handler: v1, export: 'orderHistoryHandler' },
  { method: 'GET', path: '/api/v1/balances', handler: v1, export: 'balancesHandler' },
  { method: 'GET', path: '/api/v1/fills', handler: v1, export: 'fillsHandler' },
  { method: 'POST', path: '/api/v1/order/amend', handler: v1, export: 'amendOrderHandler' },
  { method: 'POST', path: '/api/v1/order/cancelReplace', handler: v1, export: 'cancelReplaceHandler' },
  { method: 'POST', path: '/api/v1/orderList', handler: v1, export: 'placeOrderListHandler' },
  { method: 'DELETE', path: '/api/v1/orderList', handler: v1, export: 'cancelOrderListHandler' },
  { method: 'GET', path: '/api/v1/orderList', handler: v1, export: 'getOrderListHandler' },
  { method: 'GET', path: '/api/v1/orderLists', handler: v1, export: 'openOrderListsHandler' },
  { method: 'GET', path: '/api/v1/orderLists/history', handler: v1, export: 'orderListHistoryHandler' },
  { method: 'POST', path: '/api/v1/onramp', handler: 'http/v1/onramp' },
  { method: 'POST', path: '/api/v1/withdrawals', handler: 'http/v1/withdrawals', export: 'createWithdrawal' },
  { method: 'GET', path: '/api/v1/withdrawals', handler: 'http/v1/withdrawals', export: 'listWithdrawals' },
  // Binance face (functions/src/http/v3/trading.ts).
  { method: 'POST', path: '/api/v3/order', handler: v3, export: 'newOrderHandler' },
  { method: 'POST', path: '/api/v3/order/test', handler: v3, export: 'testOrderHandler' },
  { method: 'DELETE', path: '/api/v3/order', handler: v3, export: 'cancelOrderHandler' },
  { method: 'GET', path: '/api/v3/order', handler: v3, export: 'queryOrderHandler' },
  { method: 'GET', path: '/api/v3/openOrders', handler: v3, export: 'openOrdersHandler' },
  { method: 'DELETE', path: '/api/v3/openOrders', handler: v3, export: 'cancelOpenOrdersHandler' },
  { method: 'GET', path: '/api/v3/allOrders', handler: v3, export: 'allOrdersHandler' },
  { method: 'GET', path: '/api/v3/account', handler: v3, export: 'accountHandler' },
  { method: 'GET', path: '/api/v3/myTrades', handler: v3, export: 'myTradesHandler' },
  { method: 'POST', path: '/api/v3/orderList/oco', handler: v3, export: 'newOcoHandler' },
  { method: 'DELETE', path: '/api/v3/orderList', handler: v3, export: 'cancelOrderListHandler' },
  { method: 'GET', path: '/api/v3/orderList', handler: v3, export: 'queryOrderListHandler' },
  { method: 'GET', path: '/api/v3/openOrderList', handler: v3, export: 'openOrderListHandler' },
  { method: 'GET', path: '/api/v3/allOrderList', handler: v3, export: 'allOrderListHandler' },
  {
    method: 'PUT',
    path: '/api/v3/order/amend/keepPriority',
    handler: v3,
    export: 'amendKeepPriorityHandler',
  },
  { method: 'POST', path: '/api/v3/order/cancelReplace', handler: v3, export: 'cancelReplaceHandler' },
];
