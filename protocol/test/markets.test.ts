import { type AssetConfig, createMarketRegistry, MARKET_CONFIG, type MarketConfig } from '../src/markets.js';

const assets: AssetConfig[] = [
  { symbol: 'USDC', decimals: 6 },
  { symbol: 'SOL', decimals: 8 },
];
const sol: MarketConfig = MARKET_CONFIG[0] as MarketConfig;

describe('market registry', () => {
  it('resolves the default markets into integer scales', () => {
    const registry = createMarketRegistry();
    expect(registry.markets.map((m) => m.symbol)).toEqual(['SOL_USDC', 'BTC_USDC', 'ETH_USDC']);
    const m = registry.market('SOL_USDC');
    expect(m).toMatchObject({
      basePerLot: 100_000,
      quotePerTickLot: 10,
      minNotional: 1_000_000,
      maxPriceTicks: 100_000_000,
      maxQuantityLots: 1_000_000_000,
      makerFeeBps: 10,
      takerFeeBps: 20,
    });
    expect(registry.market('BTC_USDC')).toMatchObject({ basePerLot: 1_000, quotePerTickLot: 1 });
    expect(registry.market('ETH_USDC')).toMatchObject({ basePerLot: 10_000, quotePerTickLot: 1 });
    expect(registry.asset('USDC')).toEqual({ symbol: 'USDC', decimals: 6, index: 0 });
    expect(registry.market('DOGE_USDC')).toBeUndefined();
  });

  it('adds a market with one entry', () => {
    const registry = createMarketRegistry(
      [...assets, { symbol: 'DOGE', decimals: 8 }],
      [sol, { ...sol, symbol: 'DOGE_USDC', base: 'DOGE', tickSize: '0.00001', stepSize: '1' }],
    );
    expect(registry.market('DOGE_USDC')).toMatchObject({ basePerLot: 100_000_000, quotePerTickLot: 10 });
  });

  it('refuses a market whose tick × step is finer than the quote asset', () => {
    expect(() => createMarketRegistry(assets, [{ ...sol, tickSize: '0.01', stepSize: '0.00001' }])).toThrow(
      'tickSize × stepSize is finer than the quote asset',
    );
  });

  it('refuses a step finer than the base asset, unknown assets, bad symbols and bad fees', () => {
    expect(() => createMarketRegistry(assets, [{ ...sol, stepSize: '0.000000001' }])).toThrow(
      'finer than the base',
    );
    expect(() => createMarketRegistry(assets, [{ ...sol, base: 'XRP', symbol: 'XRP_USDC' }])).toThrow(
      'unknown base',
    );
    expect(() => createMarketRegistry(assets, [{ ...sol, symbol: 'SOLUSDC' }])).toThrow('BASE_QUOTE');
    expect(() => createMarketRegistry(assets, [{ ...sol, takerFeeBps: 1.5 }])).toThrow('fees');
    expect(() => createMarketRegistry(assets, [sol, sol])).toThrow('duplicate');
  });
});
