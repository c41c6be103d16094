-- Up Migration

-- The newest lease fencing token that has journaled. Each journal append raises it
-- to its own token inside the same transaction and fails if a newer token already
-- wrote: an engine that lost its lease but did not notice yet cannot journal.
CREATE TABLE engine_fence (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  fencing_token bigint NOT NULL
);
INSERT INTO engine_fence (fencing_token) VALUES (0);

-- Down Migration

DROP TABLE engine_fence;
