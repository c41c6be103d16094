/**
 * Assets and markets. Adding a market is one entry in {@link MARKET_CONFIG}; every
 * integer scale the engine needs is derived from it here, and checked, once.
 *
 * Units used everywhere inside the exchange:
 * - an asset amount is a count of the asset's minor units (`10^-decimals`);
 * - a price is a count of ticks (`tickSize`), a quantity a count of lots (`stepSize`);
 * - the quote value of one lot at one tick is `quotePerTickLot` minor units of quote,
 *   so a fill of `lots` at `ticks` costs exactly `ticks × lots × quotePerTickLot`.
 */
import { type Grid, gridOf, parseOnGrid, parseUnits } from './decimal.js';

export interface AssetConfig {
  /** Ticker, e.g. `USDC`. */
  readonly symbol: string;
  /** Ledger precision: balances are integers of `10^-decimals`. */
  readonly decimals: number;
}

export interface MarketConfig {
  /** `BASE_QUOTE`, e.g. `SOL_USDC`. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price grid, in quote per one base. */
  readonly tickSize: string;
  /** Quantity grid, in base. */
  readonly stepSize: string;
  /** Smallest order value, in quote. */
  readonly minNotional: string;
  readonly maxPrice: string;
  readonly maxQuantity: string;
  /** Fees in basis points of what each side receives. */
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  /** Open orders one account may have in the market (Binance's `MAX_NUM_ORDERS`); default {@link ORDER_LIMITS}. */
  readonly maxNumOrders?: number;
  /** Waiting stop and take-profit orders per account (`MAX_NUM_ALGO_ORDERS`). */
  readonly maxNumAlgoOrders?: number;
  /** Range of `trailingDelta` in basis points (Binance's `TRAILING_DELTA` filter, one range both ways). */
  readonly minTrailingDelta?: number;
  readonly maxTrailingDelta?: number;
}

/** Defaults of the per-account order limits and the trailing-delta range. */
export const ORDER_LIMITS = {
  maxNumOrders: 10_000,
  maxNumAlgoOrders: 100,
  minTrailingDelta: 10,
  maxTrailingDelta: 2_000,
} as const;

export const ASSET_CONFIG: readonly AssetConfig[] = [
  { symbol: 'USDC', decimals: 6 },
  { symbol: 'SOL', decimals: 8 },
  { symbol: 'BTC', decimals: 8 },
  { symbol: 'ETH', decimals: 8 },
];

export const MARKET_CONFIG: readonly MarketConfig[] = [
  {
    symbol: 'SOL_USDC',
    base: 'SOL',
    quote: 'USDC',
    tickSize: '0.01',
    stepSize: '0.001',
    minNotional: '1',
    maxPrice: '1000000',
    maxQuantity: '1000000',
    makerFeeBps: 10,
    takerFeeBps: 20,
  },
  {
    symbol: 'BTC_USDC',
    base: 'BTC',
    quote: 'USDC',
    tickSize: '0.1',
    stepSize: '0.00001',
    minNotional: '1',
    maxPrice: '10000000',
    maxQuantity: '10000',
    makerFeeBps: 10,
    takerFeeBps: 20,
  },
  {
    symbol: 'ETH_USDC',
    base: 'ETH',
    quote: 'USDC',
    tickSize: '0.01',
    stepSize: '0.0001',
    minNotional: '1',
    maxPrice: '1000000',
    maxQuantity: '100000',
    makerFeeBps: 10,
    takerFeeBps: 20,
  },
];

export interface Asset {
  readonly symbol: string;
  readonly decimals: number;
  /** Dense index, for array-indexed balances. */
  readonly index: number;
}

/** A market with every scale resolved to integers. */
export interface Market {
  readonly symbol: string;
  readonly config: MarketConfig;
  /** Dense index, for arrays. */
  readonly index: number;
  readonly base: Asset;
  readonly quote: Asset;
  readonly tick: Grid;
  readonly step: Grid;
  /** Minor units of base in one lot. */
  readonly basePerLot: number;
  /** Minor units of quote in one lot at one tick. */
  readonly quotePerTickLot: number;
  /** In quote minor units. */
  readonly minNotional: number;
  readonly maxPriceTicks: number;
  readonly maxQuantityLots: number;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly maxNumOrders: number;
  readonly maxNumAlgoOrders: number;
  readonly minTrailingDelta: number;
  readonly maxTrailingDelta: number;
}

/** The resolved asset and market tables, looked up by symbol. */
export interface MarketRegistry {
  readonly assets: readonly Asset[];
  readonly markets: readonly Market[];
  asset(symbol: string): Asset | undefined;
  market(symbol: string): Market | undefined;
}

/** `grid` expressed in `10^-decimals` units, when it is a whole number of them. */
function unitsPerStep(grid: Grid, decimals: number): number | undefined {
  if (grid.decimals > decimals) return undefined;
  return grid.mantissa * 10 ** (decimals - grid.decimals);
}

/**
 * Resolves and checks asset and market configuration.
 * @throws Error when a market's grids do not land on whole minor units, or fees are out of range
 */
export function createMarketRegistry(
  assetConfig: readonly AssetConfig[] = ASSET_CONFIG,
  marketConfig: readonly MarketConfig[] = MARKET_CONFIG,
): MarketRegistry {
  const assets = assetConfig.map((a, index): Asset => {
    if (!Number.isInteger(a.decimals) || a.decimals < 0 || a.decimals > 18) {
      throw new Error(`asset ${a.symbol}: decimals must be an integer 0..18`);
    }
    return { symbol: a.symbol, decimals: a.decimals, index };
  });
  const assetBySymbol = new Map(assets.map((a) => [a.symbol, a]));

  const markets = marketConfig.map((c, index): Market => {
    const fail = (why: string): never => {
      throw new Error(`market ${c.symbol}: ${why}`);
    };
    const base = assetBySymbol.get(c.base) ?? fail(`unknown base asset ${c.base}`);
    const quote = assetBySymbol.get(c.quote) ?? fail(`unknown quote asset ${c.quote}`);
    if (c.symbol !== `${c.base}_${c.quote}`) fail('symbol must be BASE_QUOTE');
    const tick = gridOf(c.tickSize);
    const step = gridOf(c.stepSize);
    const basePerLot = unitsPerStep(step, base.decimals) ?? fail('stepSize is finer than the base asset');
    // One lot at one tick, in quote minor units: tick × step × 10^quoteDecimals.
    const tickLot: Grid = {
      step: `${c.tickSize}×${c.stepSize}`,
      mantissa: tick.mantissa * step.mantissa,
      decimals: tick.decimals + step.decimals,
    };
    const quotePerTickLot =
      unitsPerStep(tickLot, quote.decimals) ?? fail('tickSize × stepSize is finer than the quote asset');
    for (const bps of [c.makerFeeBps, c.takerFeeBps]) {
      if (!Number.isInteger(bps) || bps < 0 || bps > 1000) fail('fees must be integer bps in 0..1000');
    }
    return {
      symbol: c.symbol,
      config: c,
      index,
      base,
      quote,
      tick,
      step,
      basePerLot,
      quotePerTickLot,
      minNotional: parseUnits(c.minNotional, quote.decimals),
      maxPriceTicks: parseOnGrid(c.maxPrice, tick),
      maxQuantityLots: parseOnGrid(c.maxQuantity, step),
      makerFeeBps: c.makerFeeBps,
      takerFeeBps: c.takerFeeBps,
      maxNumOrders: c.maxNumOrders ?? ORDER_LIMITS.maxNumOrders,
      maxNumAlgoOrders: c.maxNumAlgoOrders ?? ORDER_LIMITS.maxNumAlgoOrders,
      minTrailingDelta: c.minTrailingDelta ?? ORDER_LIMITS.minTrailingDelta,
      maxTrailingDelta: c.maxTrailingDelta ?? ORDER_LIMITS.maxTrailingDelta,
    };
  });
  const marketBySymbol = new Map(markets.map((m) => [m.symbol, m]));
  if (marketBySymbol.size !== markets.length) throw new Error('duplicate market symbol');

  return {
    assets,
    markets,
    asset: (symbol) => assetBySymbol.get(symbol),
    market: (symbol) => marketBySymbol.get(symbol),
  };
}
