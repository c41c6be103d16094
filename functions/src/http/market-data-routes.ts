/**
 * The market data routes of both faces (`/api/v1`, `/api/v3`); part of `HTTP_ROUTES`.
 * Both faces share one implementation (`market-data/`); each file holds one face.
 */
import type { HttpRoute } from '../http-routes.js';

const v1 = (path: string, name: string): HttpRoute => ({
  method: 'GET',
  path: `/api/v1/${path}`,
  handler: 'http/v1/market-data',
  export: name,
});

const v3 = (path: string, name: string): HttpRoute => ({
  method: 'GET',
  path: `/api/v3/${path}`,
  handler: 'http/v3/market-data',
  export: name,
});

export const MARKET_DATA_ROUTES: readonly HttpRoute[] = [
  v1('markets', 'markets'),
  v1('depth', 'depth'),
  v1('trades', 'trades'),
  v1('klines', 'candles'),
  v1('tickers', 'tickers'),
  v1('ticker', 'ticker'),
  v3('ping', 'ping'),
  v3('time', 'time'),
  v3('exchangeInfo', 'exchangeInfo'),
  v3('depth', 'depth'),
  v3('trades', 'trades'),
  v3('aggTrades', 'aggTrades'),
  v3('klines', 'klines'),
  v3('ticker/24hr', 'ticker24hr'),
  v3('ticker/price', 'tickerPrice'),
  v3('ticker/bookTicker', 'bookTicker'),
  // Binance's windowed prices (http/v3/rolling-window.ts).
  { method: 'GET', path: '/api/v3/avgPrice', handler: 'http/v3/rolling-window', export: 'avgPrice' },
  { method: 'GET', path: '/api/v3/ticker', handler: 'http/v3/rolling-window', export: 'rollingTicker' },
];
