/**
 * The markets this exchange lists (`MARKET_CONFIG`, read by `@exchange/protocol`), one
 * registry per function instance, looked up by either face's symbol: the native
 * `SOL_USDC` or Binance's `SOLUSDC` (protocol's `binanceSymbol`, the one rule).
 */
import { binanceSymbol, createMarketRegistry, type Market, type MarketRegistry } from '@exchange/protocol';
import { ApiError } from './http/api-error.js';

let registry: MarketRegistry | undefined;
let byBinanceSymbol: ReadonlyMap<string, Market> | undefined;

/** The one registry of a function instance, built on first use. */
export function marketRegistry(): MarketRegistry {
  registry ??= createMarketRegistry();
  return registry;
}

/** The market `symbol` names in either spelling, or undefined. */
export function findMarket(symbol: string): Market | undefined {
  const markets = marketRegistry();
  byBinanceSymbol ??= new Map(markets.markets.map((m) => [binanceSymbol(m.symbol), m]));
  return markets.market(symbol) ?? byBinanceSymbol.get(symbol);
}

/**
 * The market `symbol` names in either spelling.
 * @throws ApiError UNKNOWN_SYMBOL (-1121 "Invalid symbol.") naming `field`
 * @example resolveMarket('SOLUSDC').symbol === 'SOL_USDC'
 */
export function resolveMarket(symbol: string, field = 'symbol'): Market {
  const market = findMarket(symbol);
  if (market === undefined)
    throw new ApiError('UNKNOWN_SYMBOL', { field, detail: `'${symbol}' is not listed` });
  return market;
}
