/**
 * Reads the candles in progress from the `klines` table (the DB processor's rollup),
 * so the fan-out's live candles start from what was traded earlier in the bucket. A
 * plain SQL query through `pg`: the fan-out does not depend on `functions/`.
 */
import { KLINE_INTERVAL_MS, KLINE_INTERVALS, klineOpenTime } from '@exchange/protocol';
import pg from 'pg';
import type { StoredCandle } from './stream-router.js';

interface Row {
  market: string;
  interval: StoredCandle['interval'];
  open_time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  taker_buy_volume: string;
  taker_buy_quote_volume: string;
  trade_count: string;
  first_trade_id: string;
  last_trade_id: string;
}

const QUERY = `
SELECT k.market, k.interval, (extract(epoch FROM k.bucket) * 1000)::bigint AS open_time,
       k.open::text, k.high::text, k.low::text, k.close::text, k.volume::text, k.quote_volume::text,
       k.taker_buy_volume::text, k.taker_buy_quote_volume::text, k.trade_count, k.first_trade_id, k.last_trade_id
FROM klines k
JOIN unnest($1::text[], $2::bigint[]) AS b(name, start)
  ON k.interval = b.name AND k.bucket = to_timestamp(b.start / 1000.0)`;

/** Every market's candle in progress at `now`, per interval, as stored. */
export async function loadCandlesInProgress(databaseUrl: string, now: number): Promise<StoredCandle[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const starts = KLINE_INTERVALS.map((interval) => klineOpenTime(interval, now));
    const { rows } = await client.query<Row>(QUERY, [KLINE_INTERVALS, starts]);
    return rows.map((row) => {
      const openTime = Number(row.open_time);
      return {
        market: row.market,
        interval: row.interval,
        candle: {
          openTime,
          closeTime: openTime + KLINE_INTERVAL_MS[row.interval] - 1,
          open: row.open,
          high: row.high,
          low: row.low,
          close: row.close,
          volume: row.volume,
          quoteVolume: row.quote_volume,
          takerBuyVolume: row.taker_buy_volume,
          takerBuyQuoteVolume: row.taker_buy_quote_volume,
          trades: Number(row.trade_count),
          firstTradeId: Number(row.first_trade_id),
          lastTradeId: Number(row.last_trade_id),
        },
      };
    });
  } finally {
    await client.end();
  }
}
