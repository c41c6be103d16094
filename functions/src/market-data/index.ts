export * from './binance-shapes.js';
export * from './native-shapes.js';
export {
  bookTickersOf,
  depthOf,
  lastTradeQuantitiesOf,
  type MarketSummary,
  summariesOf,
  ticker24hOf,
  tickers24hOf,
} from './sources.js';
export {
  perMarket,
  resolveMarketList,
  SYMBOL_LIST_RANGE,
  type SymbolSelection,
  selectMarkets,
} from './symbols.js';
