export * from './binance-exchange-info.js';
export * from './binance-shapes.js';
export * from './native-shapes.js';
export {
  bookTickersOf,
  depthOf,
  summariesOf,
  ticker24hOf,
  tickers24hOf,
} from './sources.js';
export {
  perMarket,
  resolveMarketList,
  SYMBOL_LIST_RANGE,
  selectMarkets,
} from './symbols.js';
