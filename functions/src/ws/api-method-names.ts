/**
 * The names of Binance's WebSocket API methods served here (`{"id","method","params"}`),
 * each a route of the WebSocket API, selected by `$request.body.method`. Kept apart
 * from their handlers (`api-methods.ts`) so that the route table stays light for the
 * CDK app and the emulator.
 */

/** Methods answered by a REST endpoint of `/api/v3`. */
export const REST_METHOD_NAMES = [
  'ping',
  'time',
  'exchangeInfo',
  'depth',
  'trades.recent',
  'trades.aggregate',
  'klines',
  'ticker.24hr',
  'ticker.price',
  'ticker.book',
  'ticker',
  'avgPrice',
  'order.place',
  'order.test',
  'order.status',
  'order.cancel',
  'order.cancelReplace',
  'order.amend.keepPriority',
  'openOrders.status',
  'openOrders.cancelAll',
  'allOrders',
  'myTrades',
  'account.status',
  'orderList.place.oco',
  'orderList.status',
  'orderList.cancel',
  'openOrderLists.status',
  'allOrderLists',
] as const;
export type RestMethodName = (typeof REST_METHOD_NAMES)[number];

/** Methods of the session itself: user data stream subscriptions. */
export const SESSION_METHOD_NAMES = [
  'userDataStream.subscribe.signature',
  'userDataStream.unsubscribe',
  'session.subscriptions',
] as const;
export type SessionMethodName = (typeof SESSION_METHOD_NAMES)[number];

/** Every WebSocket API method. */
export const WS_API_METHOD_NAMES: readonly string[] = [...REST_METHOD_NAMES, ...SESSION_METHOD_NAMES];
