-- Up Migration

-- Every fill, written by the DB processor from the engine's TRADE events. Amounts are
-- NUMERIC holding the wire's decimal strings exactly (scale = the market's tick, step
-- and quote decimals), so sums keep that scale and nothing is ever rounded.
CREATE TABLE trades (
  market text NOT NULL,
  -- Per market, from 1: the engine's trade id.
  trade_id bigint NOT NULL,
  -- The time the engine stamped on the command that made the fill.
  time timestamptz NOT NULL,
  -- The engine sequence of that command.
  seq bigint NOT NULL,
  price numeric NOT NULL,
  quantity numeric NOT NULL,
  quote_quantity numeric NOT NULL,
  buy_order_id bigint NOT NULL,
  sell_order_id bigint NOT NULL,
  buyer_account_id text NOT NULL,
  seller_account_id text NOT NULL,
  -- The resting order was the buy: the taker sold.
  is_buyer_maker boolean NOT NULL,
  -- In base, taken from what the buyer receives.
  buyer_fee numeric NOT NULL,
  -- In quote, taken from what the seller receives.
  seller_fee numeric NOT NULL,
  -- A hypertable's unique keys must hold its time column; a redelivered trade has the
  -- same time, so (market, trade_id, time) is as good a key as (market, trade_id).
  PRIMARY KEY (market, trade_id, time)
);

-- Trades of a market by time (time-range queries, the 24 h ticker fallback).
CREATE INDEX trades_market_time ON trades (market, time DESC);
-- One account's fills, newest first.
CREATE INDEX trades_buyer_time ON trades (buyer_account_id, time DESC);
CREATE INDEX trades_seller_time ON trades (seller_account_id, time DESC);

-- With TimescaleDB, trades is a hypertable in one-day chunks; without it, the plain
-- table above with the same indexes (there is no Timescale package for Debian here).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('trades', 'time', chunk_time_interval => INTERVAL '1 day');
  END IF;
END
$$;

-- Down Migration

DROP TABLE trades;
