/**
 * Withdrawals, two-phase as the engine core has them: `WITHDRAW` locks the amount
 * (the API records the request first, then sends it), and the settlement handler
 * (`settle.ts`) later sends `SETTLE_WITHDRAWAL` — completed, or failed and unlocked.
 *
 * Once recorded, a withdrawal is the settlement's to finish: when sending it fails
 * (SQS down) it is answered `REQUESTED` like a late reply, never 5xx, so the client
 * does not retry into a second withdrawal; the settlement sends it again under the
 * same request id. A client that retries anyway sends the same `clientWithdrawalId`
 * and gets the first withdrawal back.
 */
import { type Command, isRejection, newRequestId, toEngineCommand } from '@exchange/protocol';
import { isDependencyFailure } from '../db/dependency-errors.js';
import { submitCommand } from '../engine-client/submit.js';
import { ApiError, rejectionError } from '../http/api.js';
import { logger } from '../http/logger.js';
import { marketRegistry } from '../markets.js';
import { belowMinimum } from './withdrawal-limits.js';
import {
  insertWithdrawal,
  MAX_UNSETTLED_WITHDRAWALS,
  updateWithdrawal,
  type WithdrawalRecord,
} from './withdrawal-store.js';

/** What `POST /api/v1/withdrawals` asks for. */
export interface WithdrawalRequest {
  readonly asset: string;
  readonly amount: string;
  /** The destination; one starting with `fail` makes the simulated settlement fail. */
  readonly address: string;
  /** The client's idempotency id, unique per account. */
  readonly clientWithdrawalId?: string;
}

/**
 * Validates, records and sends a withdrawal; answers with the row after the engine's
 * reply (`PENDING`: the amount is locked), or as `REQUESTED` when the reply did not
 * come in time (the settlement handler resolves it later).
 * A `clientWithdrawalId` used before answers that withdrawal as it stands.
 * @throws ApiError UNKNOWN_ASSET, AMOUNT_OUT_OF_RANGE, WITHDRAWAL_BELOW_MINIMUM,
 *   TOO_MANY_UNSETTLED_WITHDRAWALS (nothing recorded), INSUFFICIENT_FUNDS (recorded as REJECTED)
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
  const engine = toEngineCommand(command, marketRegistry());
  if (isRejection(engine)) {
    throw rejectionError(engine.code, { field: engine.code === 'UNKNOWN_ASSET' ? 'asset' : 'amount' });
  }
  if (engine.type !== 'WITHDRAW') throw new Error(`WITHDRAW converted to ${engine.type}`);
  const minimum = belowMinimum(marketRegistry(), engine.asset, engine.amount);
  if (minimum !== undefined) {
    throw new ApiError('WITHDRAWAL_BELOW_MINIMUM', { field: 'amount', detail: `${minimum} ${engine.asset}` });
  }
  const recorded = await insertWithdrawal({
    requestId: command.requestId,
    accountId,
    asset: request.asset,
    amount: request.amount,
    address: request.address,
    clientWithdrawalId: request.clientWithdrawalId ?? null,
  });
  if (recorded.status === 'existing') return recorded.record;
  if (recorded.status === 'too-many-unsettled') {
    throw new ApiError('TOO_MANY_UNSETTLED_WITHDRAWALS', { detail: String(MAX_UNSETTLED_WITHDRAWALS) });
  }
  try {
    return await sendWithdrawal(command);
  } catch (error) {
    if (!isDependencyFailure(error)) throw error;
    logger().warn(
      { err: error, requestId: command.requestId },
      'a recorded withdrawal could not be sent yet',
    );
    return updateWithdrawal(command.requestId, { status: 'REQUESTED' });
  }
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
