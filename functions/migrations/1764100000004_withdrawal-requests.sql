-- Up Migration

-- Withdrawals as the API took them: one row per POST /api/v1/withdrawals, written by
-- the endpoint and completed by the settlement handler (functions/src/withdrawals).
-- The engine's own view of the same withdrawals (from its WITHDRAWAL events) is the
-- `withdrawals` table the DB processor writes; this one adds what only the API knows:
-- the request id, the destination address, and the settlement's progress.
CREATE TABLE withdrawal_requests (
  -- The WITHDRAW command's request id (its idempotency key).
  request_id text PRIMARY KEY,
  account_id text NOT NULL,
  asset text NOT NULL,
  amount numeric NOT NULL CHECK (amount > 0),
  address text NOT NULL,
  -- The engine's withdrawal id (the WITHDRAW command's sequence); null until it answered.
  withdrawal_id bigint UNIQUE,
  -- REQUESTED: sent, no answer yet; PENDING: amount locked; COMPLETED / FAILED: settled;
  -- REJECTED: the engine refused it (nothing was locked).
  status text NOT NULL CHECK (status IN ('REQUESTED', 'PENDING', 'COMPLETED', 'FAILED', 'REJECTED')),
  -- The engine's reject code, or why a settlement failed.
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX withdrawal_requests_account ON withdrawal_requests (account_id, created_at DESC);
-- What the settlement handler scans.
CREATE INDEX withdrawal_requests_open ON withdrawal_requests (created_at) WHERE status IN ('REQUESTED', 'PENDING');

-- Down Migration

DROP TABLE withdrawal_requests;
