-- Up Migration

-- The ledger: one row per account-asset balance a command changed (the engine's
-- BALANCE events). Σ deltas per account and asset is the balance, which is how the
-- tests reconcile it against the engine; available/locked after the command are kept
-- too, so any row is a checkpoint.
CREATE TABLE balance_changes (
  seq bigint NOT NULL,
  account_id text NOT NULL,
  asset text NOT NULL,
  available_delta numeric NOT NULL,
  locked_delta numeric NOT NULL,
  available numeric NOT NULL,
  locked numeric NOT NULL,
  -- The command type that caused it: DEPOSIT, CREATE_ORDER, CANCEL_ORDER, …
  cause text NOT NULL,
  time timestamptz NOT NULL,
  -- An engine command changes each account-asset balance at most once. Keyed by
  -- account and asset first, so the one index also reads one balance's history in
  -- sequence order (rebuild, statements).
  PRIMARY KEY (account_id, asset, seq)
);

-- Each account-asset balance as of the newest command seen. Deposits and orders come
-- through different message groups, so they may arrive out of order: the row keeps
-- the highest seq and an older event never overwrites it. Free space in each page
-- (fillfactor) lets those updates stay HOT: no index entry per update.
CREATE TABLE balances (
  account_id text NOT NULL,
  asset text NOT NULL,
  available numeric NOT NULL,
  locked numeric NOT NULL,
  seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, asset)
) WITH (fillfactor = 70);

-- Down Migration

DROP TABLE balances;
DROP TABLE balance_changes;
