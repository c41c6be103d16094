-- Up Migration

-- The candle intervals, as Binance names them. Buckets start at multiples of their
-- width from Monday 2000-01-03 00:00 UTC (TimescaleDB's time_bucket origin): minutes,
-- hours and days fall on UTC boundaries and weeks start on Monday, as on Binance.
CREATE TABLE kline_intervals (
  name text PRIMARY KEY,
  width interval NOT NULL,
  -- The interval whose candles this one is built from (hierarchical roll-up).
  source text REFERENCES kline_intervals (name)
);
INSERT INTO kline_intervals (name, width, source) VALUES
  ('1m', INTERVAL '1 minute', NULL),
  ('5m', INTERVAL '5 minutes', '1m'),
  ('15m', INTERVAL '15 minutes', '5m'),
  ('1h', INTERVAL '1 hour', '15m'),
  ('4h', INTERVAL '4 hours', '1h'),
  ('1d', INTERVAL '1 day', '4h'),
  ('1w', INTERVAL '7 days', '1d');

-- `klines` answers every candle query: (market, interval, bucket) → OHLCV. Open and
-- close are the prices of the bucket's first and last trade by trade id (ids grow
-- with time within a market). Taker-buy volumes (the taker was the buyer, so
-- is_buyer_maker is false) are Binance's kline fields 9 and 10. `0 * quantity` keeps
-- the column's scale where a plain 0 would not.
--
-- With TimescaleDB: one continuous aggregate per interval, each built on the one
-- below (hierarchical), refreshed by policy, real-time (materialized_only = false) so
-- the newest candle includes trades not materialized yet; `klines` is a view over
-- them. Without it: `klines` is a table kept current by a statement trigger on
-- trades, inside the transaction that inserts them, from the rows actually inserted
-- (a redelivered trade that ON CONFLICT skips is not in the transition table, so it
-- is not counted twice). Either way a candle query reads candles, never raw trades,
-- except TimescaleDB's real-time tail past the newest refresh.
DO $$
DECLARE
  level record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    EXECUTE $cagg$
      CREATE MATERIALIZED VIEW klines_1m
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT market,
             time_bucket(INTERVAL '1 minute', time) AS bucket,
             first(price, trade_id) AS open,
             max(price) AS high,
             min(price) AS low,
             last(price, trade_id) AS close,
             sum(quantity) AS volume,
             sum(quote_quantity) AS quote_volume,
             sum(CASE WHEN is_buyer_maker THEN 0 * quantity ELSE quantity END) AS taker_buy_volume,
             sum(CASE WHEN is_buyer_maker THEN 0 * quote_quantity ELSE quote_quantity END)
               AS taker_buy_quote_volume,
             count(*) AS trade_count,
             min(trade_id) AS first_trade_id,
             max(trade_id) AS last_trade_id
      FROM trades
      GROUP BY market, time_bucket(INTERVAL '1 minute', time)
      WITH NO DATA
    $cagg$;
    PERFORM add_continuous_aggregate_policy('klines_1m',
      start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute',
      schedule_interval => INTERVAL '1 minute');

    FOR level IN
      SELECT name, width, source FROM kline_intervals WHERE source IS NOT NULL ORDER BY width
    LOOP
      EXECUTE format($cagg$
        CREATE MATERIALIZED VIEW %I
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT market,
               time_bucket(%L::interval, bucket) AS bucket,
               first(open, first_trade_id) AS open,
               max(high) AS high,
               min(low) AS low,
               last(close, last_trade_id) AS close,
               sum(volume) AS volume,
               sum(quote_volume) AS quote_volume,
               sum(taker_buy_volume) AS taker_buy_volume,
               sum(taker_buy_quote_volume) AS taker_buy_quote_volume,
               sum(trade_count)::bigint AS trade_count,
               min(first_trade_id) AS first_trade_id,
               max(last_trade_id) AS last_trade_id
        FROM %I
        GROUP BY market, time_bucket(%L::interval, bucket)
        WITH NO DATA
      $cagg$, 'klines_' || level.name, level.width, 'klines_' || level.source, level.width);
      -- A refresh window must span at least two buckets; refresh as often as the
      -- source's buckets close.
      PERFORM add_continuous_aggregate_policy('klines_' || level.name,
        start_offset => level.width * 4, end_offset => level.width,
        schedule_interval => (SELECT width FROM kline_intervals WHERE name = level.source));
    END LOOP;

    EXECUTE (
      SELECT 'CREATE VIEW klines AS '
        || string_agg(format(
             'SELECT market, %L::text AS interval, bucket, open, high, low, close, volume, quote_volume,'
             ' taker_buy_volume, taker_buy_quote_volume, trade_count, first_trade_id, last_trade_id'
             ' FROM %I', name, 'klines_' || name), ' UNION ALL ' ORDER BY width)
      FROM kline_intervals
    );
  ELSE
    CREATE TABLE klines (
      market text NOT NULL,
      interval text NOT NULL REFERENCES kline_intervals (name),
      -- Open time of the candle.
      bucket timestamptz NOT NULL,
      open numeric NOT NULL,
      high numeric NOT NULL,
      low numeric NOT NULL,
      close numeric NOT NULL,
      volume numeric NOT NULL,
      quote_volume numeric NOT NULL,
      taker_buy_volume numeric NOT NULL,
      taker_buy_quote_volume numeric NOT NULL,
      trade_count bigint NOT NULL,
      first_trade_id bigint NOT NULL,
      last_trade_id bigint NOT NULL,
      PRIMARY KEY (market, interval, bucket)
    );

    -- Adds the inserted trades to every interval's candles. The trades are first
    -- summed per minute, and each interval from those minutes, as the continuous
    -- aggregates do. Partial candles merge with stored ones exactly and in any order:
    -- open from the smaller first trade id, close from the larger last trade id,
    -- extremes by greatest/least, volumes and counts added. `min(ARRAY[id, price])`
    -- picks the price of the smallest id in one pass. Rows are upserted in key order,
    -- so concurrent writers lock candles in the same order.
    CREATE FUNCTION klines_add_trades() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      -- A statement trigger fires for every insert, also one that inserted nothing.
      IF NOT EXISTS (SELECT FROM new_trades) THEN
        RETURN NULL;
      END IF;
      WITH minute AS (
        SELECT market,
               date_bin(INTERVAL '1 minute', time, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket,
               (min(ARRAY[trade_id::numeric, price]))[2] AS open,
               max(price) AS high,
               min(price) AS low,
               (max(ARRAY[trade_id::numeric, price]))[2] AS close,
               sum(quantity) AS volume,
               sum(quote_quantity) AS quote_volume,
               sum(CASE WHEN is_buyer_maker THEN 0 * quantity ELSE quantity END) AS taker_buy_volume,
               sum(CASE WHEN is_buyer_maker THEN 0 * quote_quantity ELSE quote_quantity END)
                 AS taker_buy_quote_volume,
               count(*) AS trade_count,
               min(trade_id) AS first_trade_id,
               max(trade_id) AS last_trade_id
        FROM new_trades
        GROUP BY 1, 2
      ), candle AS (
        SELECT m.market,
               i.name AS interval,
               date_bin(i.width, m.bucket, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket,
               (min(ARRAY[m.first_trade_id::numeric, m.open]))[2] AS open,
               max(m.high) AS high,
               min(m.low) AS low,
               (max(ARRAY[m.last_trade_id::numeric, m.close]))[2] AS close,
               sum(m.volume) AS volume,
               sum(m.quote_volume) AS quote_volume,
               sum(m.taker_buy_volume) AS taker_buy_volume,
               sum(m.taker_buy_quote_volume) AS taker_buy_quote_volume,
               sum(m.trade_count) AS trade_count,
               min(m.first_trade_id) AS first_trade_id,
               max(m.last_trade_id) AS last_trade_id
        FROM minute m CROSS JOIN kline_intervals i
        GROUP BY 1, 2, 3
      )
      INSERT INTO klines AS k (market, interval, bucket, open, high, low, close, volume, quote_volume,
                               taker_buy_volume, taker_buy_quote_volume, trade_count,
                               first_trade_id, last_trade_id)
      SELECT * FROM candle ORDER BY market, interval, bucket
      ON CONFLICT (market, interval, bucket) DO UPDATE SET
        open = CASE WHEN excluded.first_trade_id < k.first_trade_id THEN excluded.open ELSE k.open END,
        high = greatest(k.high, excluded.high),
        low = least(k.low, excluded.low),
        close = CASE WHEN excluded.last_trade_id > k.last_trade_id THEN excluded.close ELSE k.close END,
        volume = k.volume + excluded.volume,
        quote_volume = k.quote_volume + excluded.quote_volume,
        taker_buy_volume = k.taker_buy_volume + excluded.taker_buy_volume,
        taker_buy_quote_volume = k.taker_buy_quote_volume + excluded.taker_buy_quote_volume,
        trade_count = k.trade_count + excluded.trade_count,
        first_trade_id = least(k.first_trade_id, excluded.first_trade_id),
        last_trade_id = greatest(k.last_trade_id, excluded.last_trade_id);
      RETURN NULL;
    END
    $fn$;

    CREATE TRIGGER trades_klines AFTER INSERT ON trades
      REFERENCING NEW TABLE AS new_trades
      FOR EACH STATEMENT EXECUTE FUNCTION klines_add_trades();
  END IF;
END
$$;

-- Down Migration

DROP TRIGGER IF EXISTS trades_klines ON trades;
DROP FUNCTION IF EXISTS klines_add_trades();
DO $$
DECLARE
  level record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'klines' AND relkind = 'v') THEN
    DROP VIEW klines;
    FOR level IN SELECT name FROM kline_intervals ORDER BY width DESC LOOP
      EXECUTE format('DROP MATERIALIZED VIEW %I', 'klines_' || level.name);
    END LOOP;
  ELSE
    DROP TABLE IF EXISTS klines;
  END IF;
END
$$;
DROP TABLE kline_intervals;
