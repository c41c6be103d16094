import type { Asset, CommandType, EngineEvent } from '@exchange/protocol';
import { Account, Balance } from './account.js';
import { BalanceChange } from './events.js';
import { MAX_UNITS } from './fixed-point.js';

/** A withdrawal between its request (funds locked) and its settlement. */
export interface PendingWithdrawal {
  readonly id: number;
  readonly account: Account;
  readonly asset: Asset;
  readonly amount: number;
}

/**
 * Every account's funds, and the one rule that keeps them honest: per asset,
 * Σ(available + locked) over all accounts = supply = deposits − completed
 * withdrawals. Every movement goes through the methods below, which also record
 * each balance a command touched so its `BALANCE` event can be emitted once.
 *
 * Supply never exceeds {@link MAX_UNITS}, so no balance or sum can leave the safe
 * integer range.
 */
export class Ledger {
  readonly accounts = new Map<string, Account>();
  /** Per asset index: deposits − completed withdrawals. */
  readonly supply: number[];
  readonly withdrawals = new Map<number, PendingWithdrawal>();
  readonly feeAccount: Account;
  /** Balances changed by the current command (the first `changedCount`), in the order first touched. */
  private readonly changed: Balance[] = [];
  private changedCount = 0;
  /** Sequence of the command being applied. */
  seq = 0;

  constructor(
    readonly assets: readonly Asset[],
    feeAccountId: string,
  ) {
    this.supply = assets.map(() => 0);
    this.feeAccount = this.accountFor(feeAccountId);
  }

  accountFor(id: string): Account {
    let account = this.accounts.get(id);
    if (account === undefined) {
      account = new Account(id);
      this.accounts.set(id, account);
    }
    return account;
  }

  /** The balance, created at zero if the account never held the asset. */
  balance(account: Account, assetIndex: number): Balance {
    let b = account.balances[assetIndex];
    if (b === undefined) {
      b = new Balance(account.id, (this.assets[assetIndex] as Asset).symbol);
      account.balances[assetIndex] = b;
    }
    return b;
  }

  /** Can `amount` more of the asset enter the exchange? */
  canMint(assetIndex: number, amount: number): boolean {
    return (this.supply[assetIndex] as number) + amount <= MAX_UNITS;
  }

  /** A deposit: new funds enter the exchange. */
  mint(account: Account, assetIndex: number, amount: number): void {
    (this.supply as number[])[assetIndex] = (this.supply[assetIndex] as number) + amount;
    this.credit(account, assetIndex, amount);
  }

  /** A completed withdrawal: locked funds leave the exchange. */
  burnLocked(account: Account, assetIndex: number, amount: number): void {
    (this.supply as number[])[assetIndex] = (this.supply[assetIndex] as number) - amount;
    this.spendLocked(account, assetIndex, amount);
  }

  credit(account: Account, assetIndex: number, amount: number): void {
    const b = this.balance(account, assetIndex);
    this.touch(b);
    b.available += amount;
  }

  /** Moves `amount` from available to locked; the caller has checked it is there. */
  lock(b: Balance, amount: number): void {
    this.touch(b);
    b.available -= amount;
    b.locked += amount;
  }

  unlock(b: Balance, amount: number): void {
    if (amount === 0) return;
    this.touch(b);
    b.locked -= amount;
    b.available += amount;
  }

  /** Pays out of locked funds (a fill, a completed withdrawal). */
  spendLocked(account: Account, assetIndex: number, amount: number): void {
    const b = account.balances[assetIndex] as Balance;
    this.touch(b);
    b.locked -= amount;
  }

  /** Emits one `BALANCE` event per balance the command changed, and forgets them. */
  flush(cause: CommandType, events: EngineEvent[]): void {
    const count = this.changedCount;
    this.changedCount = 0;
    for (let i = 0; i < count; i++) {
      const b = this.changed[i] as Balance;
      const availableDelta = b.available - b.availableBefore;
      const lockedDelta = b.locked - b.lockedBefore;
      if (availableDelta === 0 && lockedDelta === 0) continue;
      events.push(
        new BalanceChange(b.accountId, b.asset, b.available, b.locked, availableDelta, lockedDelta, cause),
      );
    }
  }

  private touch(b: Balance): void {
    if (b.changedAt !== this.seq) {
      b.changedAt = this.seq;
      b.availableBefore = b.available;
      b.lockedBefore = b.locked;
      this.changed[this.changedCount++] = b;
    }
  }
}
