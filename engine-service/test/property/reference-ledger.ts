/**
 * The reference model's funds: balances in a plain object keyed `account/asset`,
 * supply per asset in BigInt, pending withdrawals in an array, and the balances one
 * command touched, in the order first touched, for its `BALANCE` events.
 */
import type {
  CommandType,
  EngineDeposit,
  EngineEvent,
  EngineSettleWithdrawal,
  EngineWithdraw,
  MarketRegistry,
  RejectCode,
} from '@exchange/protocol';
import { isAmount, MAX_UNITS } from './reference-rules.js';

export interface Holding {
  available: number;
  locked: number;
}

interface PendingWithdrawal {
  id: number;
  accountId: string;
  asset: string;
  amount: number;
}

export class ModelLedger {
  private readonly holdings: Record<string, Holding> = {};
  private readonly supply: Record<string, bigint> = {};
  private pending: PendingWithdrawal[] = [];
  /** Balances the command touched, in the order first touched, with their values before it. */
  private touched: { key: string; before: Holding }[] = [];

  constructor(private readonly registry: MarketRegistry) {}

  /** Forgets what the previous command touched. */
  begin(): void {
    this.touched = [];
  }

  balance(accountId: string, asset: string): Holding {
    const h = this.holdings[`${accountId}/${asset}`];
    return { available: h?.available ?? 0, locked: h?.locked ?? 0 };
  }

  /** Changes one balance, remembering its value before the command on first touch. */
  move(accountId: string, asset: string, availableDelta: number, lockedDelta: number): void {
    if (availableDelta === 0 && lockedDelta === 0) return;
    const key = `${accountId}/${asset}`;
    const h = this.holdings[key] ?? { available: 0, locked: 0 };
    this.holdings[key] = h;
    if (!this.touched.some((t) => t.key === key)) this.touched.push({ key, before: { ...h } });
    h.available += availableDelta;
    h.locked += lockedDelta;
  }

  /** Moves `amount` from available to locked (negative: back). */
  lock(accountId: string, asset: string, amount: number): void {
    this.move(accountId, asset, -amount, amount);
  }

  /** One `BALANCE` event per balance the command changed, in the order first touched. */
  balanceEvents(cause: CommandType): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const { key, before } of this.touched) {
      const now = this.holdings[key] as Holding;
      if (now.available === before.available && now.locked === before.locked) continue;
      const slash = key.lastIndexOf('/');
      events.push({
        type: 'BALANCE',
        accountId: key.slice(0, slash),
        asset: key.slice(slash + 1),
        available: now.available,
        locked: now.locked,
        availableDelta: now.available - before.available,
        lockedDelta: now.locked - before.locked,
        cause,
      });
    }
    return events;
  }

  deposit(c: EngineDeposit): RejectCode | null {
    if (this.registry.asset(c.asset) === undefined) return 'UNKNOWN_ASSET';
    if (!isAmount(c.amount)) return 'AMOUNT_OUT_OF_RANGE';
    const supply = (this.supply[c.asset] ?? 0n) + BigInt(c.amount);
    if (supply > MAX_UNITS) return 'AMOUNT_OUT_OF_RANGE';
    this.supply[c.asset] = supply;
    this.move(c.accountId, c.asset, c.amount, 0);
    return null;
  }

  withdraw(c: EngineWithdraw, seq: number, events: EngineEvent[]): RejectCode | null {
    if (this.registry.asset(c.asset) === undefined) return 'UNKNOWN_ASSET';
    if (!isAmount(c.amount)) return 'AMOUNT_OUT_OF_RANGE';
    if (this.balance(c.accountId, c.asset).available < c.amount) return 'INSUFFICIENT_FUNDS';
    this.pending.push({ id: seq, accountId: c.accountId, asset: c.asset, amount: c.amount });
    events.push({
      type: 'WITHDRAWAL',
      withdrawalId: seq,
      accountId: c.accountId,
      asset: c.asset,
      amount: c.amount,
      status: 'PENDING',
    });
    this.lock(c.accountId, c.asset, c.amount);
    return null;
  }

  settleWithdrawal(c: EngineSettleWithdrawal, events: EngineEvent[]): RejectCode | null {
    const w = this.pending.find((p) => p.id === c.withdrawalId && p.accountId === c.accountId);
    if (w === undefined) return 'UNKNOWN_WITHDRAWAL';
    this.pending = this.pending.filter((p) => p !== w);
    events.push({
      type: 'WITHDRAWAL',
      withdrawalId: w.id,
      accountId: w.accountId,
      asset: w.asset,
      amount: w.amount,
      status: c.outcome,
    });
    if (c.outcome === 'COMPLETED') {
      this.supply[w.asset] = (this.supply[w.asset] ?? 0n) - BigInt(w.amount);
      this.move(w.accountId, w.asset, 0, -w.amount);
    } else {
      this.lock(w.accountId, w.asset, -w.amount);
    }
    return null;
  }
}
