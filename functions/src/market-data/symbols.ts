/**
 * Which markets a market-data request means: `symbol` or a Binance `symbols` list, in
 * either spelling (resolved by `../markets.ts`).
 */
import type { Market } from '@exchange/protocol';
import { ApiError } from '../http/api-error.js';
import { marketRegistry, resolveMarket } from '../markets.js';

/**
 * Binance's legal range for `symbols=[...]`, quoted in its -1100 message: a JSON array
 * of symbols, no spaces.
 */
export const SYMBOL_LIST_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

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
