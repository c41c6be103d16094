/**
 * Trading accounts. Buyers and sellers are disjoint pools, so self-trade prevention can
 * never trigger (the peer book has none), and each is funded far beyond anything the
 * workload can spend, so nothing is ever rejected for funds.
 */
import type { EngineDeposit } from '@exchange/protocol';

/** Accounts per side in the mixed workloads. */
export const POOL_SIZE = 100;

/**
 * Deposit per account, in minor units (10^7 USDC, or 10^5 SOL). The largest order locks
 * ~10^7 units, and 2 × POOL_SIZE deposits stay far below the 2^53 − 1 supply cap.
 */
export const DEPOSIT = 10_000_000_000_000;

/** Account ids of one side's pool: `b000…` for buyers, `s000…` for sellers. */
export function accountPool(isBuy: boolean, size: number = POOL_SIZE): string[] {
  return Array.from({ length: size }, (_, i) => `${isBuy ? 'b' : 's'}${String(i).padStart(3, '0')}`);
}

/** One deposit per account: quote for buyers, base for sellers. */
export function fundingCommands(buyers: readonly string[], sellers: readonly string[]): EngineDeposit[] {
  return [
    ...buyers.map(
      (accountId): EngineDeposit => ({ type: 'DEPOSIT', accountId, asset: 'USDC', amount: DEPOSIT }),
    ),
    ...sellers.map(
      (accountId): EngineDeposit => ({ type: 'DEPOSIT', accountId, asset: 'SOL', amount: DEPOSIT }),
    ),
  ];
}
