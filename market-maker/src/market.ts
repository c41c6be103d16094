/**
 * What a bot needs to know of a market, read from `GET /api/v3/exchangeInfo` like any
 * Binance client: the symbol, and the price and quantity grids of its filters.
 */
import { formatOnGrid, type Grid, gridOf, parseOnGrid } from '@exchange/protocol';
import type { ExchangeClient } from './client.js';

export interface BotMarket {
  /** Binance spelling, `SOLUSDC`. */
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly tick: Grid;
  readonly step: Grid;
  /** Smallest order value, in quote (decimal string). */
  readonly minNotional: string;
}

interface SymbolInfo {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly filters: readonly { readonly filterType: string; readonly [field: string]: unknown }[];
}

/** The markets the exchange lists, by Binance symbol. */
export async function loadMarkets(client: ExchangeClient): Promise<Map<string, BotMarket>> {
  const info = (await client.public('GET', '/api/v3/exchangeInfo')) as { symbols: SymbolInfo[] };
  const markets = new Map<string, BotMarket>();
  for (const s of info.symbols) {
    const filter = (type: string) => s.filters.find((f) => f.filterType === type) ?? {};
    markets.set(s.symbol, {
      symbol: s.symbol,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
      tick: gridOf(String((filter('PRICE_FILTER') as { tickSize?: unknown }).tickSize)),
      step: gridOf(String((filter('LOT_SIZE') as { stepSize?: unknown }).stepSize)),
      minNotional: String((filter('NOTIONAL') as { minNotional?: unknown }).minNotional ?? '0'),
    });
  }
  return markets;
}

/** A price in ticks as the API spells it. */
export const priceText = (market: BotMarket, ticks: number): string => formatOnGrid(ticks, market.tick);
/** A quantity in lots as the API spells it. */
export const quantityText = (market: BotMarket, lots: number): string => formatOnGrid(lots, market.step);
/** A decimal price from the API in ticks (rounded down to the grid when off it, e.g. a ticker average). */
export function ticksOf(market: BotMarket, price: string): number {
  try {
    return parseOnGrid(price, market.tick);
  } catch {
    const [whole = '0', fraction = ''] = price.split('.');
    return parseOnGrid(`${whole}.${fraction.slice(0, market.tick.decimals)}`.replace(/\.$/, ''), market.tick);
  }
}
/** A decimal quantity from the API in lots. */
export const lotsOf = (market: BotMarket, quantity: string): number => parseOnGrid(quantity, market.step);

/**
 * How many lots of `market` are worth `notional` (quote, decimal string) at `priceTicks`,
 * rounded down; exact (BigInt), at least 1.
 */
export function lotsForNotional(market: BotMarket, notional: string, priceTicks: number): number {
  const [whole = '0', fraction = ''] = notional.split('.');
  const notionalScaled = BigInt(whole + fraction); // × 10^fraction.length
  const price = BigInt(priceTicks) * BigInt(market.tick.mantissa); // × 10^tick.decimals
  const lot = BigInt(market.step.mantissa); // × 10^step.decimals
  const numerator = notionalScaled * 10n ** BigInt(market.tick.decimals + market.step.decimals);
  const denominator = 10n ** BigInt(fraction.length) * price * lot;
  const lots = Number(numerator / denominator);
  return Math.max(1, lots);
}
