/**
 * Withdrawals, two-phase as the engine core has them: `WITHDRAW` locks the amount
 * (the API records the request first, then sends it), and the settlement handler
 * (`settle.ts`) later sends `SETTLE_WITHDRAWAL` — completed, or failed and unlocked.
 */
import { type Command, isRejection, toEngineCommand } from '@exchange/protocol';
import { newRequestId, submitCommand } from '../engine-client/submit.js';
import { rejectionError } from '../http/api.js';
import { registry } from '../trading/markets.js';
import { insertWithdrawal, updateWithdrawal, type WithdrawalRecord } from './withdrawal-store.js';

/** What `POST /api/v1/withdrawals` asks for. */
export interface WithdrawalRequest {
  readonly asset: string;
  readonly amount: string;
  /** The destination; one starting with `fail` makes the simulated settlement fail. */
  readonly address: string;
}

/**
 * Validates, records and sends a withdrawal; answers with the row after the engine's
 * reply (`PENDING`: the amount is locked), or as `REQUESTED` when the reply did not
 * come in time (the settlement handler resolves it later).
 * @throws ApiError UNKNOWN_ASSET, AMOUNT_OUT_OF_RANGE (nothing recorded), INSUFFICIENT_FUNDS (recorded as REJECTED)
 */
export async function requestWithdrawal(
  accountId: string,
  request: WithdrawalRequest,
): Promise<WithdrawalRecord> {
  const command: Command = {
    type: 'WITHDRAW',
    requestId: newRequestId(),
    accountId,
    asset: request.asset,
    amount: request.amount,
  };
  const engine = toEngineCommand(command, registry());
  if (isRejection(engine)) {
    throw rejectionError(engine.code, { field: engine.code === 'UNKNOWN_ASSET' ? 'asset' : 'amount' });
  }
  await insertWithdrawal({ ...request, accountId, requestId: command.requestId });
  return sendWithdrawal(command);
}

/**
 * Sends (or sends again: the engine answers a repeated request id from its journal)
 * the `WITHDRAW` of a recorded withdrawal and records the answer.
 * @throws ApiError the engine's rejection, after recording it
 */
export async function sendWithdrawal(
  command: Extract<Command, { type: 'WITHDRAW' }>,
): Promise<WithdrawalRecord> {
  const out = await submitCommand(command);
  if (out.status === 'pending') return updateWithdrawal(command.requestId, { status: 'REQUESTED' });

  const reply = out.reply;
  if (!reply.ok) {
    await updateWithdrawal(command.requestId, { status: 'REJECTED', reason: reply.code });
    throw rejectionError(reply.code, { field: 'amount' });
  }
  const event = reply.withdrawals[0];
  if (event === undefined) throw new Error(`reply ${reply.requestId} to WITHDRAW holds no withdrawal`);
  return updateWithdrawal(command.requestId, { status: event.status, withdrawalId: event.withdrawalId });
}
