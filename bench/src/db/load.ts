/**
 * Stored trades for the kline query benchmark, generated in SQL: `generate_series`
 * inserts in chunks, each through the same `trades` insert trigger the processor's
 * writes fire, so the candles are built exactly as the processor would leave them
 * (then checked against a GROUP BY over the raw trades).
 */
import type pg from 'pg';

export const LOAD_MARKET = 'BTC_USDC';
const DAY_MS = 86_400_000;

export interface LoadResult {
  readonly trades: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly seconds: number;
  readonly klineRows: number;
  /** Candles equal to a GROUP BY over raw trades, for the intervals and ranges checked. */
  readonly exact: boolean;
  readonly checked: string;
}

/**
 * Inserts `count` trades of {@link LOAD_MARKET}, evenly over `days` days ending at
 * `endTime`, prices wandering on the market's 0.1 tick, quantities on its 0.00001 step.
 */
export async function loadTrades(
  pool: pg.Pool,
  count: number,
  options: {
    readonly days?: number;
    readonly endTime?: number;
    readonly chunk?: number;
    readonly log: (line: string) => void;
  },
): Promise<LoadResult> {
  const days = options.days ?? 30;
  const endTime = options.endTime ?? Date.UTC(2025, 5, 1);
  const firstTime = endTime - days * DAY_MS;
  const stepMs = (days * DAY_MS) / count;
  const chunk = options.chunk ?? 250_000;
  const start = performance.now();
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    await pool.query({
      text: `INSERT INTO trades (market, trade_id, time, seq, price, quantity, quote_quantity, buy_order_id,
               sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee)
             SELECT $1, g, TIMESTAMPTZ 'epoch' + ($2::bigint + floor(g * $3::float8)::bigint) * INTERVAL '1 millisecond',
                    g, p.price, q.quantity, round(p.price * q.quantity, 6), 2 * g, 2 * g + 1,
                    'load-' || (g % 997), 'load-' || ((g + 1) % 997), g % 3 = 0, 0.00000000, 0.000000
             FROM generate_series($4::bigint, $5::bigint) AS g,
                  LATERAL (SELECT round((600000 + 2000 * sin(g / 50000.0))::numeric + (g * 7919) % 401 - 200, 0) / 10
                                  AS raw) AS r,
                  LATERAL (SELECT round(r.raw, 1) AS price) AS p,
                  LATERAL (SELECT round(((g * 104729) % 5000 + 1) / 100000.0, 5) AS quantity) AS q`,
      values: [LOAD_MARKET, firstTime, stepMs, from, to],
    });
    options.log(`load: ${to.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} trades`);
  }
  const seconds = (performance.now() - start) / 1_000;
  await pool.query('VACUUM ANALYZE trades');
  await pool.query('VACUUM ANALYZE klines');
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM klines WHERE market = $1', [
    LOAD_MARKET,
  ]);
  const checks: [string, number, number][] = [
    ['1m', endTime - 2 * DAY_MS, endTime - DAY_MS],
    ['1h', firstTime, endTime],
    ['1w', firstTime, endTime],
  ];
  let exact = true;
  for (const [interval, from, to] of checks) {
    exact &&= await candlesMatchRawTrades(pool, interval, from, to);
  }
  return {
    trades: count,
    firstTime,
    lastTime: endTime,
    seconds,
    klineRows: Number(rows[0]?.n),
    exact,
    checked: checks.map(([i]) => i).join(', '),
  };
}

/** Whether the stored candles of `interval` with open time in [from, to) equal a GROUP BY over the trades. */
async function candlesMatchRawTrades(
  pool: pg.Pool,
  interval: string,
  from: number,
  to: number,
): Promise<boolean> {
  const { rows } = await pool.query<{ differences: string }>({
    text: `WITH raw AS (
        SELECT date_bin(i.width, t.time, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket,
               (array_agg(price ORDER BY trade_id))[1] AS open, max(price) AS high, min(price) AS low,
               (array_agg(price ORDER BY trade_id DESC))[1] AS close, sum(quantity) AS volume,
               sum(quote_quantity) AS quote_volume, count(*) AS trade_count
        FROM trades t, kline_intervals i
        WHERE t.market = $1 AND i.name = $2
          AND date_bin(i.width, t.time, TIMESTAMPTZ '2000-01-03 00:00:00+00') >= $3
          AND date_bin(i.width, t.time, TIMESTAMPTZ '2000-01-03 00:00:00+00') < $4
        GROUP BY 1
      ), stored AS (
        SELECT bucket, open, high, low, close, volume, quote_volume, trade_count FROM klines
        WHERE market = $1 AND interval = $2 AND bucket >= $3 AND bucket < $4
      )
      SELECT count(*) AS differences FROM ((TABLE raw EXCEPT TABLE stored) UNION ALL (TABLE stored EXCEPT TABLE raw)) d`,
    values: [LOAD_MARKET, interval, new Date(from), new Date(to)],
  });
  return Number(rows[0]?.differences) === 0;
}
