-- Up Migration

-- How far the engine has published (Redis, events.fifo). Written in each journal
-- transaction for the batches published before it, and on shutdown. After a crash,
-- recovery republishes every journaled command past it: nothing journaled is ever
-- left unpublished (events.fifo deduplicates the repeats by sequence).
ALTER TABLE engine_fence ADD COLUMN published_seq bigint NOT NULL DEFAULT 0;

-- Down Migration

ALTER TABLE engine_fence DROP COLUMN published_seq;
