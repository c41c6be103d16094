/**
 * Binance's WebSocket API methods and the REST endpoint each one shares: the method's
 * parameters become the endpoint's query parameters, and the endpoint's answer (or
 * error, in Binance's codes) becomes the method's `result` (or `error`). One table, so
 * every REST rule — validation, filters, signing, permissions, rate limits — holds on
 * both.
 */

import type { ApiHandler } from '../http/api.js';
import * as market from '../http/v3/market-data.js';
import * as windows from '../http/v3/rolling-window.js';
import * as trading from '../http/v3/trading.js';
import type { HttpMethod } from '../http-routes.js';
import type { RestMethodName } from './api-method-names.js';

/** One WebSocket API method served by a REST endpoint. */
export interface RestMethod {
  readonly httpMethod: HttpMethod;
  /** The REST path, for logs and the emulated event. */
  readonly path: string;
  readonly handler: ApiHandler;
  /** Signed per request (Binance's WS API signing). */
  readonly signed: boolean;
}

const get = (path: string, handler: ApiHandler, signed = false): RestMethod => ({
  httpMethod: 'GET',
  path: `/api/v3/${path}`,
  handler,
  signed,
});
const signedCall = (httpMethod: HttpMethod, path: string, handler: ApiHandler): RestMethod => ({
  httpMethod,
  path: `/api/v3/${path}`,
  handler,
  signed: true,
});

/** Every method served by a REST endpoint, by Binance's method name. */
export const REST_METHODS: Readonly<Record<RestMethodName, RestMethod>> = {
  ping: get('ping', market.ping),
  time: get('time', market.time),
  exchangeInfo: get('exchangeInfo', market.exchangeInfo),
  depth: get('depth', market.depth),
  'trades.recent': get('trades', market.trades),
  'trades.aggregate': get('aggTrades', market.aggTrades),
  klines: get('klines', market.klines),
  'ticker.24hr': get('ticker/24hr', market.ticker24hr),
  'ticker.price': get('ticker/price', market.tickerPrice),
  'ticker.book': get('ticker/bookTicker', market.bookTicker),
  ticker: get('ticker', windows.rollingTicker),
  avgPrice: get('avgPrice', windows.avgPrice),
  'order.place': signedCall('POST', 'order', trading.newOrderHandler),
  'order.test': signedCall('POST', 'order/test', trading.testOrderHandler),
  'order.status': signedCall('GET', 'order', trading.queryOrderHandler),
  'order.cancel': signedCall('DELETE', 'order', trading.cancelOrderHandler),
  'order.cancelReplace': signedCall('POST', 'order/cancelReplace', trading.cancelReplaceHandler),
  'order.amend.keepPriority': signedCall('PUT', 'order/amend/keepPriority', trading.amendKeepPriorityHandler),
  'openOrders.status': signedCall('GET', 'openOrders', trading.openOrdersHandler),
  'openOrders.cancelAll': signedCall('DELETE', 'openOrders', trading.cancelOpenOrdersHandler),
  allOrders: signedCall('GET', 'allOrders', trading.allOrdersHandler),
  myTrades: signedCall('GET', 'myTrades', trading.myTradesHandler),
  'account.status': signedCall('GET', 'account', trading.accountHandler),
  'orderList.place.oco': signedCall('POST', 'orderList/oco', trading.newOcoHandler),
  'orderList.status': signedCall('GET', 'orderList', trading.queryOrderListHandler),
  'orderList.cancel': signedCall('DELETE', 'orderList', trading.cancelOrderListHandler),
  'openOrderLists.status': signedCall('GET', 'openOrderList', trading.openOrderListHandler),
  allOrderLists: signedCall('GET', 'allOrderList', trading.allOrderListHandler),
};
