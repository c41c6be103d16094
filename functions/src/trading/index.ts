export { binanceSymbol, marketOf, registry } from './markets.js';
export { orderByClientId } from './order-lookup.js';
export {
  type OrderFieldNames,
  type OrderRequest,
  toCancelOrderCommand,
  toCreateOrderCommand,
} from './order-request.js';
export {
  canceledOrdersOf,
  type OrderView,
  orderViewOf,
  type PlacedOrder,
  placedOrderOf,
} from './order-result.js';
export {
  accountFills,
  balances,
  cancelAllOrders,
  cancelOrder,
  findOrder,
  newClientOrderId,
  type OrderRef,
  openOrders,
  orderHistoryOf,
  type Pending,
  type PlaceOutcome,
  placeOrder,
  testOrder,
} from './trading.js';
