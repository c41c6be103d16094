import type { EngineDeposit, EngineSettleWithdrawal, EngineWithdraw, RejectCode } from '@exchange/protocol';
import type { Balance } from './account.js';
import { Amends } from './amends.js';
import { isCount, MAX_UNITS } from './fixed-point.js';

/*
 * Funds entering and leaving the exchange: deposits, and withdrawals from their
 * request (funds locked) to their settlement.
 */

export class Transfers extends Amends {
  protected deposit(c: EngineDeposit): RejectCode | null {
    const asset = this.registry.asset(c.asset);
    if (asset === undefined) return 'UNKNOWN_ASSET';
    if (!isCount(c.amount, MAX_UNITS) || !this.ledger.canMint(asset.index, c.amount))
      return 'AMOUNT_OUT_OF_RANGE';
    this.ledger.mint(this.ledger.accountFor(c.accountId), asset.index, c.amount);
    return null;
  }

  protected withdraw(c: EngineWithdraw): RejectCode | null {
    const asset = this.registry.asset(c.asset);
    if (asset === undefined) return 'UNKNOWN_ASSET';
    if (!isCount(c.amount, MAX_UNITS)) return 'AMOUNT_OUT_OF_RANGE';
    const account = this.ledger.accounts.get(c.accountId);
    const balance = account?.balances[asset.index];
    if (account === undefined || balance === undefined || balance.available < c.amount) {
      return 'INSUFFICIENT_FUNDS';
    }
    this.ledger.lock(balance, c.amount);
    this.ledger.withdrawals.set(this.seq, { id: this.seq, account, asset, amount: c.amount });
    this.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: this.seq,
      accountId: account.id,
      asset: asset.symbol,
      amount: c.amount,
      status: 'PENDING',
    });
    return null;
  }

  protected settleWithdrawal(c: EngineSettleWithdrawal): RejectCode | null {
    const pending = this.ledger.withdrawals.get(c.withdrawalId);
    if (pending === undefined || pending.account.id !== c.accountId) return 'UNKNOWN_WITHDRAWAL';
    const { account, asset, amount } = pending;
    if (c.outcome === 'COMPLETED') {
      this.ledger.burnLocked(account, asset.index, amount);
    } else {
      this.ledger.unlock(account.balances[asset.index] as Balance, amount);
    }
    this.ledger.withdrawals.delete(c.withdrawalId);
    this.events.push({
      type: 'WITHDRAWAL',
      withdrawalId: pending.id,
      accountId: account.id,
      asset: asset.symbol,
      amount,
      status: c.outcome,
    });
    return null;
  }
}
