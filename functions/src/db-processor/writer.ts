/**
 * Writes a batch's rows to PostgreSQL in one statement — so in one transaction, with
 * one round trip. Each table's rows go in as one JSON array (`json_to_recordset`), a
 * multi-row insert per table, in data-modifying CTEs that all run to completion.
 *
 * Idempotent by the engine's sequence: trades and ledger rows are inserted with
 * `ON CONFLICT DO NOTHING` (keys: market + trade id, account + asset + seq), and the
 * current-state tables move only forward (`WHERE stored.seq < incoming.seq`). A
 * redelivered batch therefore changes nothing, and the klines trigger sees only the
 * trades actually inserted.
 */
import type { Queryable } from '../history/queryable.js';
import type { BatchRows } from './rows.js';

/** Milliseconds since the epoch → timestamptz, in exact integer arithmetic. */
const at = (column: string): string => `TIMESTAMPTZ 'epoch' + ${column} * INTERVAL '1 millisecond'`;

const WRITE_BATCH = `
WITH trade_rows AS (
  INSERT INTO trades (market, trade_id, time, seq, price, quantity, quote_quantity, buy_order_id,
                      sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee)
  SELECT market, trade_id, ${at('time')}, seq, price, quantity, quote_quantity, buy_order_id,
         sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee
  FROM json_to_recordset($1::json) AS r(market text, trade_id bigint, time bigint, seq bigint, price numeric,
       quantity numeric, quote_quantity numeric, buy_order_id bigint, sell_order_id bigint,
       buyer_account_id text, seller_account_id text, is_buyer_maker boolean, buyer_fee numeric,
       seller_fee numeric)
  ON CONFLICT DO NOTHING
), order_rows AS (
  INSERT INTO orders AS o (order_id, market, account_id, client_order_id, side, order_type, time_in_force,
                           post_only, self_trade_prevention, price, quantity, quote_quantity, filled_quantity,
                           filled_quote, status, reason, created_at, updated_at, seq)
  SELECT order_id, market, account_id, client_order_id, side, order_type, time_in_force, post_only,
         self_trade_prevention, price, quantity, quote_quantity, filled_quantity, filled_quote, status, reason,
         ${at('created_at')}, ${at('updated_at')}, seq
  FROM json_to_recordset($2::json) AS r(order_id bigint, market text, account_id text, client_order_id text,
       side text, order_type text, time_in_force text, post_only boolean, self_trade_prevention text,
       price numeric, quantity numeric, quote_quantity numeric, filled_quantity numeric, filled_quote numeric,
       status text, reason text, created_at bigint, updated_at bigint, seq bigint)
  ON CONFLICT (order_id) DO UPDATE SET
    filled_quantity = excluded.filled_quantity, filled_quote = excluded.filled_quote,
    status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at, seq = excluded.seq
  WHERE o.seq < excluded.seq
), balance_rows AS (
  INSERT INTO balances AS b (account_id, asset, available, locked, seq, updated_at)
  SELECT account_id, asset, available, locked, seq, ${at('time')}
  FROM json_to_recordset($3::json) AS r(account_id text, asset text, available numeric, locked numeric,
       seq bigint, time bigint)
  ON CONFLICT (account_id, asset) DO UPDATE SET
    available = excluded.available, locked = excluded.locked, seq = excluded.seq, updated_at = excluded.updated_at
  WHERE b.seq < excluded.seq
), change_rows AS (
  INSERT INTO balance_changes (seq, account_id, asset, available_delta, locked_delta, available, locked, cause, time)
  SELECT seq, account_id, asset, available_delta, locked_delta, available, locked, cause, ${at('time')}
  FROM json_to_recordset($4::json) AS r(seq bigint, account_id text, asset text, available_delta numeric,
       locked_delta numeric, available numeric, locked numeric, cause text, time bigint)
  ON CONFLICT DO NOTHING
), withdrawal_rows AS (
  INSERT INTO withdrawals AS w (withdrawal_id, account_id, asset, amount, status, created_at, updated_at, seq)
  SELECT withdrawal_id, account_id, asset, amount, status, ${at('created_at')}, ${at('time')}, seq
  FROM json_to_recordset($5::json) AS r(withdrawal_id bigint, account_id text, asset text, amount numeric,
       status text, created_at bigint, time bigint, seq bigint)
  ON CONFLICT (withdrawal_id) DO UPDATE SET
    status = excluded.status, updated_at = excluded.updated_at, seq = excluded.seq
  WHERE w.seq < excluded.seq
)
SELECT 1`;

/**
 * Writes `rows` atomically. Safe to call again with the same rows, or with rows
 * older than what is stored.
 * @throws the database's error; nothing of the batch is then written
 */
export async function writeRows(db: Queryable, rows: BatchRows): Promise<void> {
  await db.query({
    name: 'db-processor.write-batch',
    text: WRITE_BATCH,
    values: [
      JSON.stringify(rows.trades),
      JSON.stringify(rows.orders),
      JSON.stringify(rows.balances),
      JSON.stringify(rows.balanceChanges),
      JSON.stringify(rows.withdrawals),
    ],
  });
}
