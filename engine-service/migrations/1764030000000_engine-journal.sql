-- Up Migration

-- One row per command the engine has sequenced, written before its SQS message is
-- deleted and before anything is published. Replay reads it in seq order (the
-- primary key), so no other index is needed for recovery.
CREATE TABLE engine_journal (
  -- The engine sequence number: every journaled command consumes one.
  seq bigint PRIMARY KEY,
  -- The idempotency key: a request id is sequenced at most once.
  request_id text NOT NULL UNIQUE,
  -- NULL only for a command too malformed to name its account.
  account_id text,
  -- Milliseconds since the epoch, stamped by the engine; replay passes it back.
  time bigint NOT NULL,
  -- false: refused by the protocol (toEngineCommand gave a Rejection) before the
  -- engine core saw it; replay skips it. true: executed by the core (accepted or
  -- rejected by it), so replay executes it again.
  applied boolean NOT NULL,
  -- The wire command exactly as received.
  command jsonb NOT NULL,
  -- The wire Reply published for it, re-published when the request id comes again.
  reply jsonb NOT NULL
);

-- The engine's state after the command `seq`. JSON stored as text, not jsonb: the
-- engine only ever loads it whole, and text skips jsonb's parse on write and its
-- conversion back to text on read (measured in bench/src/engine-service/recovery.ts).
CREATE TABLE engine_snapshots (
  seq bigint PRIMARY KEY,
  taken_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL
);

-- Down Migration

DROP TABLE engine_snapshots;
DROP TABLE engine_journal;
