-- Up Migration

-- The client's idempotency id for a withdrawal (Binance's `withdrawOrderId`): a retried
-- POST /api/v1/withdrawals with the same id answers the withdrawal already recorded
-- instead of making a second one. Unique per account; NULL when the client sent none.
ALTER TABLE withdrawal_requests ADD COLUMN client_withdrawal_id text
  CHECK (client_withdrawal_id ~ '^[A-Za-z0-9._:-]{1,64}$');
CREATE UNIQUE INDEX withdrawal_requests_client_id
  ON withdrawal_requests (account_id, client_withdrawal_id) WHERE client_withdrawal_id IS NOT NULL;

-- Counting an account's unsettled withdrawals (the per-account cap).
CREATE INDEX withdrawal_requests_account_open
  ON withdrawal_requests (account_id) WHERE status IN ('REQUESTED', 'PENDING');

-- Down Migration

DROP INDEX withdrawal_requests_account_open;
DROP INDEX withdrawal_requests_client_id;
ALTER TABLE withdrawal_requests DROP COLUMN client_withdrawal_id;
