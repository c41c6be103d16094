export {
  type BinanceKline,
  DEFAULT_KLINE_LIMIT,
  type KlineQuery,
  klines,
  MAX_KLINE_LIMIT,
  type NativeKline,
  toBinanceKline,
  toNativeKline,
} from './klines.js';
export {
  DEFAULT_ORDER_LIMIT,
  MAX_ORDER_LIMIT,
  type OrderHistoryQuery,
  type OrderListQuery,
  type OrderRecord,
  orderById,
  orderHistory,
  orderListOrders,
} from './orders.js';
export type { Queryable } from './queryable.js';
export { ticker24h, tickerOverWindow } from './ticker.js';
export {
  DEFAULT_TRADE_LIMIT,
  type FillQuery,
  fills,
  MAX_TRADE_LIMIT,
  recentTrades,
  type TradeRangeQuery,
  type TradeRecord,
  trades,
} from './trades.js';
