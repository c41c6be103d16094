import { createMarketRegistry, MARKET_CONFIG, type MarketRegistry } from '@exchange/protocol';

/** The one market every engine workload trades. */
export const MARKET = 'SOL_USDC';

/**
 * The production registry with one change: SOL_USDC's `minNotional` lowered from 1 USDC
 * to 0.01 USDC. The workload's quantities (1–100 lots of 0.001 SOL at ~90–110 USDC) are
 * mostly below 1 USDC, which the real filter rejects; a benchmark that measured
 * rejections would be worthless. Ticks, lots, fees and every code path are unchanged —
 * the filter is still evaluated, it just passes.
 */
export function benchRegistry(): MarketRegistry {
  return createMarketRegistry(
    undefined,
    MARKET_CONFIG.map((m) => (m.symbol === MARKET ? { ...m, minNotional: '0.01' } : m)),
  );
}

/** Minor units of quote in one lot at one tick of {@link MARKET}. */
export const QUOTE_PER_TICK_LOT = ((): number => {
  const market = benchRegistry().market(MARKET);
  if (market === undefined) throw new Error(`no market ${MARKET}`);
  return market.quotePerTickLot;
})();
