-- Up Migration

-- The journal's command and reply as json, not jsonb: the engine writes them once and
-- reads them back whole (replay, a redelivered request's reply), never by field, so
-- jsonb's binary conversion on every append was PostgreSQL CPU for nothing (measured
-- with npm run bench:engine-service). json still checks that each is valid JSON.
ALTER TABLE engine_journal
  ALTER COLUMN command TYPE json USING command::json,
  ALTER COLUMN reply TYPE json USING reply::json;

-- Down Migration

ALTER TABLE engine_journal
  ALTER COLUMN command TYPE jsonb USING command::jsonb,
  ALTER COLUMN reply TYPE jsonb USING reply::jsonb;
