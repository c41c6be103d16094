/**
 * The markets the API trades, looked up by either face's symbol: `SOL_USDC` (native)
 * or `SOLUSDC` (Binance, the market without its underscore).
 */
import { createMarketRegistry, type Market, type MarketRegistry } from '@exchange/protocol';
import { ApiError } from '../http/api.js';

let shared: MarketRegistry | undefined;
let byBinanceSymbol: Map<string, Market> | undefined;

/** The one registry of a function instance, built from `@exchange/protocol`'s configuration. */
export function registry(): MarketRegistry {
  shared ??= createMarketRegistry();
  return shared;
}

/** Binance's symbol of a market: `SOL_USDC` → `SOLUSDC`. */
export function binanceSymbol(market: string): string {
  return market.replace('_', '');
}

/**
 * The market `symbol` names, native or Binance spelling.
 * @throws ApiError UNKNOWN_SYMBOL (-1121) when no market has that symbol
 */
export function marketOf(symbol: string, field = 'symbol'): Market {
  byBinanceSymbol ??= new Map(registry().markets.map((m) => [binanceSymbol(m.symbol), m]));
  const market = registry().market(symbol) ?? byBinanceSymbol.get(symbol);
  if (market === undefined)
    throw new ApiError('UNKNOWN_SYMBOL', { field, detail: `'${symbol}' is not listed` });
  return market;
}
