/**
 * The `withdrawal_requests` table: what the API knows of each withdrawal.
 *
 * A withdrawal moves only along {@link WITHDRAWAL_TRANSITIONS}; an update that would
 * move it any other way (a settled withdrawal "un-settled" by a late or repeated run)
 * changes nothing and answers the row as it stands.
 */
import type { WithdrawalStatus } from '@exchange/protocol';
import type pg from 'pg';
import { database } from '../db/pool.js';
import type { Queryable } from '../history/queryable.js';

/** Where a withdrawal stands: the engine's statuses, plus the API's own two. */
export type WithdrawalRequestStatus = WithdrawalStatus | 'REQUESTED' | 'REJECTED';

/**
 * The statuses a withdrawal may move to from each: `REQUESTED` (sent, unanswered) to
 * `PENDING` (locked) or `REJECTED`; `PENDING` to `COMPLETED` or `FAILED`; the last three
 * are final. Staying `REQUESTED` (a late reply again) is allowed.
 */
export const WITHDRAWAL_TRANSITIONS: Readonly<
  Record<WithdrawalRequestStatus, readonly WithdrawalRequestStatus[]>
> = {
  REQUESTED: ['REQUESTED', 'PENDING', 'REJECTED'],
  PENDING: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
  REJECTED: [],
};

/** The statuses from which a withdrawal may move to `status`. */
export function statusesBefore(status: WithdrawalRequestStatus): WithdrawalRequestStatus[] {
  return (Object.keys(WITHDRAWAL_TRANSITIONS) as WithdrawalRequestStatus[]).filter((from) =>
    WITHDRAWAL_TRANSITIONS[from].includes(status),
  );
}

/** At most this many withdrawals of one account may be unsettled (`REQUESTED` or `PENDING`) at once. */
export const MAX_UNSETTLED_WITHDRAWALS = 10;

/** One withdrawal as `GET /api/v1/withdrawals` lists it. */
export interface WithdrawalRecord {
  readonly requestId: string;
  /** The engine's id; null until it answered. */
  readonly withdrawalId: number | null;
  readonly accountId: string;
  readonly asset: string;
  readonly amount: string;
  readonly address: string;
  /** The client's idempotency id, if it sent one. */
  readonly clientWithdrawalId: string | null;
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
  client_withdrawal_id: string | null;
  status: WithdrawalRequestStatus;
  reason: string | null;
  created_ms: string;
  updated_ms: string;
}

const COLUMNS = `request_id, withdrawal_id, account_id, asset, amount::text, address, client_withdrawal_id, status, reason,
  (extract(epoch FROM created_at) * 1000)::bigint AS created_ms, (extract(epoch FROM updated_at) * 1000)::bigint AS updated_ms`;

function toRecord(row: Row): WithdrawalRecord {
  return {
    requestId: row.request_id,
    withdrawalId: row.withdrawal_id === null ? null : Number(row.withdrawal_id),
    accountId: row.account_id,
    asset: row.asset,
    amount: row.amount,
    address: row.address,
    clientWithdrawalId: row.client_withdrawal_id,
    status: row.status,
    reason: row.reason,
    createdAt: Number(row.created_ms),
    updatedAt: Number(row.updated_ms),
  };
}

/** What {@link insertWithdrawal} did. */
export type InsertOutcome =
  | { readonly status: 'inserted' }
  /** The client's idempotency id was used before: that withdrawal, unchanged. */
  | { readonly status: 'existing'; readonly record: WithdrawalRecord }
  | { readonly status: 'too-many-unsettled' };

/**
 * Records a withdrawal about to be sent to the engine (status `REQUESTED`), unless the
 * account already has {@link MAX_UNSETTLED_WITHDRAWALS} unsettled or used the same
 * `clientWithdrawalId` before. One transaction under a per-account advisory lock, so
 * concurrent requests of one account are counted and checked one after the other.
 */
export async function insertWithdrawal(
  w: Pick<
    WithdrawalRecord,
    'requestId' | 'accountId' | 'asset' | 'amount' | 'address' | 'clientWithdrawalId'
  >,
  db: pg.Pool = database(),
): Promise<InsertOutcome> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('withdrawals:' || $1, 0))", [
      w.accountId,
    ]);
    if (w.clientWithdrawalId !== null) {
      const { rows } = await client.query<Row>({
        text: `SELECT ${COLUMNS} FROM withdrawal_requests WHERE account_id = $1 AND client_withdrawal_id = $2`,
        values: [w.accountId, w.clientWithdrawalId],
      });
      const existing = rows[0];
      if (existing !== undefined) {
        await client.query('COMMIT');
        return { status: 'existing', record: toRecord(existing) };
      }
    }
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM withdrawal_requests WHERE account_id = $1 AND status IN ('REQUESTED', 'PENDING')`,
      [w.accountId],
    );
    if ((rows[0]?.n ?? 0) >= MAX_UNSETTLED_WITHDRAWALS) {
      await client.query('ROLLBACK');
      return { status: 'too-many-unsettled' };
    }
    await client.query({
      text: `INSERT INTO withdrawal_requests (request_id, account_id, asset, amount, address, client_withdrawal_id, status)
        VALUES ($1, $2, $3, $4, $5, $6, 'REQUESTED')`,
      values: [w.requestId, w.accountId, w.asset, w.amount, w.address, w.clientWithdrawalId],
    });
    await client.query('COMMIT');
    return { status: 'inserted' };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Moves a withdrawal on along {@link WITHDRAWAL_TRANSITIONS}; `withdrawalId` once the
 * engine gave one. The row after the change, or as it stands when the move is not
 * allowed from its status (nothing is changed then).
 */
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
    text: `WITH moved AS (
        UPDATE withdrawal_requests SET status = $2, withdrawal_id = COALESCE($3, withdrawal_id),
          reason = COALESCE($4, reason), updated_at = now()
        WHERE request_id = $1 AND status = ANY($5::text[]) RETURNING ${COLUMNS}
      )
      SELECT * FROM moved
      UNION ALL
      SELECT ${COLUMNS} FROM withdrawal_requests WHERE request_id = $1 AND NOT EXISTS (SELECT 1 FROM moved)`,
    values: [
      requestId,
      change.status,
      change.withdrawalId ?? null,
      change.reason ?? null,
      statusesBefore(change.status),
    ],
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
