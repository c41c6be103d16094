/**
 * The settlement step of withdrawals, meant to run on a schedule (the local
 * orchestrator and the CDK app schedule it). Locally simulated: a withdrawal `PENDING`
 * for longer than `WITHDRAWAL_SETTLE_AFTER_MS` (default 10 000) is settled with
 * `SETTLE_WITHDRAWAL` — `FAILED` (the amount unlocked) when its destination address
 * starts with `fail` (any letter case), `COMPLETED` (the amount spent) otherwise.
 *
 * Nothing is guessed and nothing is applied twice. A command's outcome is read from
 * the engine's journal when its reply was missed (`engine-journal.ts`); a command not
 * journaled yet is sent again under the same request id (SQS drops the repeat within
 * its five-minute window, the engine answers it from the journal after), and the next
 * run looks again. The settle command's request id is `settle-{withdrawalId}`, so two
 * runs at once settle a withdrawal once.
 */
import type { Command, Reply } from '@exchange/protocol';
import { submitCommand } from '../engine-client/submit.js';
import { journaledReply } from './engine-journal.js';
import { unsettledWithdrawals, updateWithdrawal, type WithdrawalRecord } from './withdrawal-store.js';

/** Withdrawals handled per run. */
const BATCH = 100;
/** How long a run waits for one reply before leaving that withdrawal to the next run. */
const REPLY_WAIT_MS = 1_000;

/** How old a withdrawal must be before it is settled (`WITHDRAWAL_SETTLE_AFTER_MS`). */
export function settleAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.WITHDRAWAL_SETTLE_AFTER_MS || 10_000);
  return Number.isFinite(value) && value >= 0 ? value : 10_000;
}

/** The simulated network's verdict on a destination address. */
export function settlementOutcome(address: string): 'COMPLETED' | 'FAILED' {
  return address.toLowerCase().startsWith('fail') ? 'FAILED' : 'COMPLETED';
}

/** What one run did. */
export interface SettlementRun {
  /** Withdrawals that reached an end state (`COMPLETED`, `FAILED`, `REJECTED`). */
  readonly settled: readonly WithdrawalRecord[];
  /** Request ids still waiting on the engine; the next run tries again. */
  readonly unanswered: readonly string[];
}

/**
 * Settles every withdrawal due at `now`.
 * @example await settleDueWithdrawals(Date.now());
 */
export async function settleDueWithdrawals(now: number, afterMs = settleAfterMs()): Promise<SettlementRun> {
  const settled: WithdrawalRecord[] = [];
  const unanswered: string[] = [];
  for (const due of await unsettledWithdrawals(now - afterMs, BATCH)) {
    const locked = due.status === 'REQUESTED' ? await resolveLock(due) : due;
    const result = locked?.status === 'PENDING' ? await settle(locked) : locked;
    if (result === undefined) unanswered.push(due.requestId);
    else settled.push(result);
  }
  return { settled, unanswered };
}

/** The engine's outcome of `command`: journaled, else sent (again) and awaited briefly. */
async function outcomeOf(command: Command): Promise<Reply | undefined> {
  const journaled = await journaledReply(command.requestId);
  if (journaled !== undefined) return journaled;
  const out = await submitCommand(command, REPLY_WAIT_MS);
  return out.status === 'done' ? out.reply : undefined;
}

/** A `REQUESTED` withdrawal whose `WITHDRAW` reply was missed: `PENDING`, `REJECTED`, or undefined (no answer yet). */
async function resolveLock(w: WithdrawalRecord): Promise<WithdrawalRecord | undefined> {
  const reply = await outcomeOf({
    type: 'WITHDRAW',
    requestId: w.requestId,
    accountId: w.accountId,
    asset: w.asset,
    amount: w.amount,
  });
  if (reply === undefined) return undefined;
  if (!reply.ok) return updateWithdrawal(w.requestId, { status: 'REJECTED', reason: reply.code });
  const event = reply.withdrawals[0];
  if (event === undefined) throw new Error(`reply ${reply.requestId} to WITHDRAW holds no withdrawal`);
  return updateWithdrawal(w.requestId, { status: 'PENDING', withdrawalId: event.withdrawalId });
}

async function settle(w: WithdrawalRecord): Promise<WithdrawalRecord | undefined> {
  if (w.withdrawalId === null) throw new Error(`withdrawal ${w.requestId} is PENDING without an engine id`);
  const outcome = settlementOutcome(w.address);
  const reply = await outcomeOf({
    type: 'SETTLE_WITHDRAWAL',
    requestId: `settle-${w.withdrawalId}`,
    accountId: w.accountId,
    withdrawalId: w.withdrawalId,
    outcome,
  });
  if (reply === undefined) return undefined;
  if (!reply.ok) return updateWithdrawal(w.requestId, { status: 'FAILED', reason: reply.code });
  return updateWithdrawal(w.requestId, {
    status: outcome,
    ...(outcome === 'FAILED' ? { reason: 'ADDRESS_REFUSED' } : {}),
  });
}

/** The scheduled entry point (EventBridge, or the local orchestrator's timer). */
export async function handler(): Promise<{ settled: number; unanswered: number }> {
  const run = await settleDueWithdrawals(Date.now());
  return { settled: run.settled.length, unanswered: run.unanswered.length };
}
