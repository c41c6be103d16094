/**
 * Binance's average price (`GET /api/v3/avgPrice`, WS API `avgPrice`): the volume
 * weighted price of the trades of the last 5 minutes, Σ quote / Σ quantity with 8
 * decimals, rounded half up; with no trade in the window, the last trade's price; zero
 * before the first trade. The same rule as the fan-out's `<symbol>@avgPrice` stream.
 * Exact: PostgreSQL sums the numerics, the division is decimal arithmetic.
 */
import { divideDecimal, padDecimals } from '@exchange/protocol';
import { database } from '../db/pool.js';
import type { Queryable } from './queryable.js';

/** Binance's window, in minutes. */
export const AVERAGE_PRICE_MINUTES = 5;
/** Decimals Binance prints the average with. */
export const AVERAGE_PRICE_DECIMALS = 8;

/** Binance's `/avgPrice` body. */
export interface AveragePrice {
  readonly mins: number;
  readonly price: string;
  /** The last trade's time (ms); 0 before the first trade. */
  readonly closeTime: number;
}

interface Row {
  quote: string | null;
  quantity: string | null;
  last_price: string | null;
  last_time: Date | null;
}

/** @example const { price } = await averagePrice('SOL_USDC'); */
export async function averagePrice(
  market: string,
  now: number = Date.now(),
  db: Queryable = database(),
): Promise<AveragePrice> {
  const since = new Date(now - AVERAGE_PRICE_MINUTES * 60_000);
  const { rows } = await db.query<Row>({
    name: 'history.average-price',
    text: `SELECT w.quote, w.quantity, l.price::text AS last_price, l.time AS last_time
      FROM (SELECT sum(quote_quantity)::text AS quote, sum(quantity)::text AS quantity
              FROM trades WHERE market = $1 AND time >= $2 AND time <= $3) w
      LEFT JOIN LATERAL (SELECT price, time FROM trades WHERE market = $1 AND time <= $3
              ORDER BY time DESC, trade_id DESC LIMIT 1) l ON true`,
    values: [market, since, new Date(now)],
  });
  const row = rows[0];
  const price =
    row?.quote != null && row.quantity != null
      ? divideDecimal(row.quote, row.quantity, AVERAGE_PRICE_DECIMALS)
      : padDecimals(row?.last_price ?? '0', AVERAGE_PRICE_DECIMALS);
  return { mins: AVERAGE_PRICE_MINUTES, price, closeTime: row?.last_time?.getTime() ?? 0 };
}
