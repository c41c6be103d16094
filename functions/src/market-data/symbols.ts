/**
 * Which market a request means. Both spellings name a market: the native `SOL_USDC`
 * and Binance's `SOLUSDC` (base and quote without the underscore). A symbol that names
 * no market is `UNKNOWN_SYMBOL` (-1121 "Invalid symbol.") on both faces.
 */
import { createMarketRegistry, type Market, type MarketRegistry } from '@exchange/protocol';
import { ApiError } from '../http/api-error.js';

/**
 * Binance's legal range for `symbols=[...]`, quoted in its -1100 message: a JSON array
 * of symbols, no spaces.
 */
export const SYMBOL_LIST_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

let registry: MarketRegistry | undefined;
let byBinanceSymbol: ReadonlyMap<string, Market> | undefined;

/** The markets listed here (`MARKET_CONFIG`), resolved once per instance. */
export function marketRegistry(): MarketRegistry {
  registry ??= createMarketRegistry();
  return registry;
}

/** A market's Binance symbol: `SOL_USDC` → `SOLUSDC`. */
export function binanceSymbolOf(market: Market): string {
  return `${market.base.symbol}${market.quote.symbol}`;
}

/** The market `symbol` names in either spelling, or undefined. */
export function findMarket(symbol: string): Market | undefined {
  const markets = marketRegistry();
  byBinanceSymbol ??= new Map(markets.markets.map((m) => [binanceSymbolOf(m), m]));
  return markets.market(symbol) ?? byBinanceSymbol.get(symbol);
}

/**
 * The market `symbol` names in either spelling.
 * @throws ApiError UNKNOWN_SYMBOL naming `field`
 * @example resolveMarket('SOLUSDC').symbol === 'SOL_USDC'
 */
export function resolveMarket(symbol: string, field = 'symbol'): Market {
  const market = findMarket(symbol);
  if (market === undefined)
    throw new ApiError('UNKNOWN_SYMBOL', { field, detail: `'${symbol}' is not listed` });
  return market;
}

/**
 * The markets of a `symbols` parameter (`["SOLUSDC","BTCUSDC"]`, already checked
 * against {@link SYMBOL_LIST_RANGE}), in the order sent, each once.
 * @throws ApiError MISSING_PARAMETER for `[]`, UNKNOWN_SYMBOL for a symbol not listed
 */
export function resolveMarketList(symbols: string, field = 'symbols'): Market[] {
  const names = JSON.parse(symbols) as string[];
  if (names.length === 0) throw new ApiError('MISSING_PARAMETER', { field });
  return [...new Set(names.map((name) => resolveMarket(name, field)))];
}

/** What the one-or-many endpoints receive: at most one of the two. */
export interface SymbolSelection {
  readonly symbol?: string | undefined;
  readonly symbols?: string | undefined;
}

/**
 * The markets an endpoint taking `symbol` or `symbols` answers for: one market
 * (answered as an object), or a list (answered as an array; every market when
 * neither parameter is sent).
 * @throws ApiError PARAMETER_NOT_REQUIRED when both are sent, or as the resolvers
 */
export function selectMarkets(selection: SymbolSelection): Market | Market[] {
  if (selection.symbol !== undefined && selection.symbols !== undefined) {
    throw new ApiError('PARAMETER_NOT_REQUIRED', {
      field: 'symbols',
      detail: "send either 'symbol' or 'symbols', not both",
    });
  }
  if (selection.symbol !== undefined) return resolveMarket(selection.symbol);
  if (selection.symbols !== undefined) return resolveMarketList(selection.symbols);
  return [...marketRegistry().markets];
}

/**
 * `fn` over each market and the value read for it (the sources answer in the order
 * asked).
 * @throws Error when a source answered a different number of values (a bug)
 */
export function perMarket<T, R>(
  markets: readonly Market[],
  values: readonly T[],
  fn: (market: Market, value: T) => R,
): R[] {
  if (values.length !== markets.length)
    throw new Error(`${values.length} values for ${markets.length} markets`);
  return markets.map((market, i) => fn(market, values[i] as T));
}
