/**
 * The smallest withdrawal of each asset: below it, the network fee of a real chain
 * would exceed the amount, and a flood of dust withdrawals would only fill the
 * settlement's queue. An asset not listed here may withdraw any positive amount.
 */
import { type MarketRegistry, parseUnits } from '@exchange/protocol';

/** Minimum amounts, as decimal strings of the asset. */
export const MIN_WITHDRAWAL: Readonly<Record<string, string>> = {
  USDC: '1',
  SOL: '0.01',
  BTC: '0.0001',
  ETH: '0.001',
};

/**
 * The minimum of `asset` when `units` (minor units) is below it, else undefined.
 * @example belowMinimum(registry, 'USDC', 500_000); // '1'
 */
export function belowMinimum(registry: MarketRegistry, asset: string, units: number): string | undefined {
  const minimum = MIN_WITHDRAWAL[asset];
  const config = registry.asset(asset);
  if (minimum === undefined || config === undefined) return undefined;
  return units < parseUnits(minimum, config.decimals) ? minimum : undefined;
}
