/**
 * The `withdrawal_requests` table: what the API knows of each withdrawal.
 */
import type { WithdrawalStatus } from '@exchange/protocol';
import { database } from '../db/pool.js';
import type { Queryable } from '../history/queryable.js';

/** Where a withdrawal stands: the engine's statuses, plus the API's own two. */
export type WithdrawalRequestStatus = WithdrawalStatus | 'REQUESTED' | 'REJECTED';

/** One withdrawal as `GET /api/v1/withdrawals` lists it. */
export interface WithdrawalRecord {
  readonly requestId: string;
  /** The engine's id; null until it answered. */
  readonly withdrawalId: number | null;
  readonly accountId: string;
  readonly asset: string;
  readonly amount: string;
  readonly address: string;
  readonly status: WithdrawalRequestStatus;
  readonly reason: string | null;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface Row {
  request_id: string;
  withdrawal_id: string | null;
  account_id: string;
  asset: string;
  amount: string;
  address: string;
  status: WithdrawalRequestStatus;
  reason: string | null;
  created_ms: string;
  updated_ms: string;
}

const COLUMNS = `request_id, withdrawal_id, account_id, asset, amount::text, address, status, reason,
  (extract(epoch FROM created_at) * 1000)::bigint AS created_ms, (extract(epoch FROM updated_at) * 1000)::bigint AS updated_ms`;

function toRecord(row: Row): WithdrawalRecord {
  return {
    requestId: row.request_id,
    withdrawalId: row.withdrawal_id === null ? null : Number(row.withdrawal_id),
    accountId: row.account_id,
    asset: row.asset,
    amount: row.amount,
    address: row.address,
    status: row.status,
    reason: row.reason,
    createdAt: Number(row.created_ms),
    updatedAt: Number(row.updated_ms),
  };
}

/** Records a withdrawal about to be sent to the engine (status `REQUESTED`). */
export async function insertWithdrawal(
  w: Pick<WithdrawalRecord, 'requestId' | 'accountId' | 'asset' | 'amount' | 'address'>,
  db: Queryable = database(),
): Promise<void> {
  await db.query({
    text: `INSERT INTO withdrawal_requests (request_id, account_id, asset, amount, address, status)
      VALUES ($1, $2, $3, $4, $5, 'REQUESTED')`,
    values: [w.requestId, w.accountId, w.asset, w.amount, w.address],
  });
}

/** Moves a withdrawal on; `withdrawalId` once the engine gave one. The row after the change. */
export async function updateWithdrawal(
  requestId: string,
  change: {
    readonly status: WithdrawalRequestStatus;
    readonly withdrawalId?: number;
    readonly reason?: string;
  },
  db: Queryable = database(),
): Promise<WithdrawalRecord> {
  const { rows } = await db.query<Row>({
    text: `UPDATE withdrawal_requests SET status = $2, withdrawal_id = COALESCE($3, withdrawal_id),
        reason = COALESCE($4, reason), updated_at = now()
      WHERE request_id = $1 RETURNING ${COLUMNS}`,
    values: [requestId, change.status, change.withdrawalId ?? null, change.reason ?? null],
  });
  const row = rows[0];
  if (row === undefined) throw new Error(`no withdrawal request ${requestId}`);
  return toRecord(row);
}

/** An account's withdrawals, newest first. */
export async function withdrawalsOf(
  accountId: string,
  limit: number,
  db: Queryable = database(),
): Promise<WithdrawalRecord[]> {
  const { rows } = await db.query<Row>({
    text: `SELECT ${COLUMNS} FROM withdrawal_requests WHERE account_id = $1 ORDER BY created_at DESC, request_id LIMIT $2`,
    values: [accountId, limit],
  });
  return rows.map(toRecord);
}

/** Withdrawals not settled yet (`REQUESTED` or `PENDING`) created before `before` (ms), oldest first. */
export async function unsettledWithdrawals(
  before: number,
  limit: number,
  db: Queryable = database(),
): Promise<WithdrawalRecord[]> {
  const { rows } = await db.query<Row>({
    text: `SELECT ${COLUMNS} FROM withdrawal_requests
      WHERE status IN ('REQUESTED', 'PENDING') AND created_at < $1 ORDER BY created_at LIMIT $2`,
    values: [new Date(before), limit],
  });
  return rows.map(toRecord);
}
