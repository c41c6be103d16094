/**
 * Writes a batch's rows to PostgreSQL in one statement — so in one transaction, with
 * one round trip. Each table's rows go in column-wise: one array parameter per column,
 * zipped back into rows by `unnest`, a multi-row insert per table in data-modifying
 * CTEs that all run to completion. Column arrays carry each value once, with no key
 * names repeated per row, and PostgreSQL reads them without a JSON parse per object.
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

/** One table's columns: name and SQL array type, in parameter order. */
type Columns<R> = readonly (readonly [keyof R & string, string])[];

const TRADE_COLUMNS = [
  ['market', 'text[]'],
  ['trade_id', 'bigint[]'],
  ['time', 'bigint[]'],
  ['seq', 'bigint[]'],
  ['price', 'numeric[]'],
  ['quantity', 'numeric[]'],
  ['quote_quantity', 'numeric[]'],
  ['buy_order_id', 'bigint[]'],
  ['sell_order_id', 'bigint[]'],
  ['buyer_account_id', 'text[]'],
  ['seller_account_id', 'text[]'],
  ['is_buyer_maker', 'boolean[]'],
  ['buyer_fee', 'numeric[]'],
  ['seller_fee', 'numeric[]'],
] as const satisfies Columns<BatchRows['trades'][number]>;

const ORDER_COLUMNS = [
  ['order_id', 'bigint[]'],
  ['market', 'text[]'],
  ['account_id', 'text[]'],
  ['client_order_id', 'text[]'],
  ['side', 'text[]'],
  ['order_type', 'text[]'],
  ['time_in_force', 'text[]'],
  ['post_only', 'boolean[]'],
  ['self_trade_prevention', 'text[]'],
  ['price', 'numeric[]'],
  ['quantity', 'numeric[]'],
  ['quote_quantity', 'numeric[]'],
  ['filled_quantity', 'numeric[]'],
  ['filled_quote', 'numeric[]'],
  ['status', 'text[]'],
  ['reason', 'text[]'],
  ['created_at', 'bigint[]'],
  ['updated_at', 'bigint[]'],
  ['seq', 'bigint[]'],
  ['stop_price', 'numeric[]'],
  ['trailing_delta', 'integer[]'],
  ['working_time', 'bigint[]'],
  ['order_list_id', 'bigint[]'],
  ['list_client_order_id', 'text[]'],
] as const satisfies Columns<BatchRows['orders'][number]>;

const BALANCE_COLUMNS = [
  ['account_id', 'text[]'],
  ['asset', 'text[]'],
  ['available', 'numeric[]'],
  ['locked', 'numeric[]'],
  ['seq', 'bigint[]'],
  ['time', 'bigint[]'],
] as const satisfies Columns<BatchRows['balances'][number]>;

const CHANGE_COLUMNS = [
  ['seq', 'bigint[]'],
  ['account_id', 'text[]'],
  ['asset', 'text[]'],
  ['available_delta', 'numeric[]'],
  ['locked_delta', 'numeric[]'],
  ['available', 'numeric[]'],
  ['locked', 'numeric[]'],
  ['cause', 'text[]'],
  ['time', 'bigint[]'],
] as const satisfies Columns<BatchRows['balanceChanges'][number]>;

const WITHDRAWAL_COLUMNS = [
  ['withdrawal_id', 'bigint[]'],
  ['account_id', 'text[]'],
  ['asset', 'text[]'],
  ['amount', 'numeric[]'],
  ['status', 'text[]'],
  ['created_at', 'bigint[]'],
  ['time', 'bigint[]'],
  ['seq', 'bigint[]'],
] as const satisfies Columns<BatchRows['withdrawals'][number]>;

/** `unnest($n::type[], …) AS r(column, …)` over a table's parameters from `first`. */
function rowsFrom(columns: readonly (readonly [string, string])[], first: number): string {
  const params = columns.map(([, type], i) => `$${first + i}::${type}`).join(', ');
  return `unnest(${params}) AS r(${columns.map(([name]) => name).join(', ')})`;
}

const TRADES_FIRST = 1;
const ORDERS_FIRST = TRADES_FIRST + TRADE_COLUMNS.length;
const BALANCES_FIRST = ORDERS_FIRST + ORDER_COLUMNS.length;
const CHANGES_FIRST = BALANCES_FIRST + BALANCE_COLUMNS.length;
const WITHDRAWALS_FIRST = CHANGES_FIRST + CHANGE_COLUMNS.length;

const WRITE_BATCH = `
WITH trade_rows AS (
  INSERT INTO trades (market, trade_id, time, seq, price, quantity, quote_quantity, buy_order_id,
                      sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee)
  SELECT market, trade_id, ${at('time')}, seq, price, quantity, quote_quantity, buy_order_id,
         sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee
  FROM ${rowsFrom(TRADE_COLUMNS, TRADES_FIRST)}
  ON CONFLICT DO NOTHING
), order_rows AS (
  INSERT INTO orders AS o (order_id, market, account_id, client_order_id, side, order_type, time_in_force,
                           post_only, self_trade_prevention, price, quantity, quote_quantity, filled_quantity,
                           filled_quote, status, reason, created_at, updated_at, seq, stop_price, trailing_delta,
                           working_time, order_list_id, list_client_order_id)
  SELECT order_id, market, account_id, client_order_id, side, order_type, time_in_force, post_only,
         self_trade_prevention, price, quantity, quote_quantity, filled_quantity, filled_quote, status, reason,
         ${at('created_at')}, ${at('updated_at')}, seq, stop_price, trailing_delta, ${at('working_time')},
         order_list_id, list_client_order_id
  FROM ${rowsFrom(ORDER_COLUMNS, ORDERS_FIRST)}
  ON CONFLICT (order_id) DO UPDATE SET
    filled_quantity = excluded.filled_quantity, filled_quote = excluded.filled_quote,
    status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at, seq = excluded.seq,
    -- An amendment lowers the quantity and may rename the order; a trigger sets its working time.
    quantity = excluded.quantity, client_order_id = excluded.client_order_id,
    working_time = excluded.working_time
  WHERE o.seq < excluded.seq
), balance_rows AS (
  INSERT INTO balances AS b (account_id, asset, available, locked, seq, updated_at)
  SELECT account_id, asset, available, locked, seq, ${at('time')}
  FROM ${rowsFrom(BALANCE_COLUMNS, BALANCES_FIRST)}
  ON CONFLICT (account_id, asset) DO UPDATE SET
    available = excluded.available, locked = excluded.locked, seq = excluded.seq, updated_at = excluded.updated_at
  WHERE b.seq < excluded.seq
), change_rows AS (
  INSERT INTO balance_changes (seq, account_id, asset, available_delta, locked_delta, available, locked, cause, time)
  SELECT seq, account_id, asset, available_delta, locked_delta, available, locked, cause, ${at('time')}
  FROM ${rowsFrom(CHANGE_COLUMNS, CHANGES_FIRST)}
  ON CONFLICT DO NOTHING
), withdrawal_rows AS (
  INSERT INTO withdrawals AS w (withdrawal_id, account_id, asset, amount, status, created_at, updated_at, seq)
  SELECT withdrawal_id, account_id, asset, amount, status, ${at('created_at')}, ${at('time')}, seq
  FROM ${rowsFrom(WITHDRAWAL_COLUMNS, WITHDRAWALS_FIRST)}
  ON CONFLICT (withdrawal_id) DO UPDATE SET
    status = excluded.status, updated_at = excluded.updated_at, seq = excluded.seq
  WHERE w.seq < excluded.seq
)
SELECT 1`;

/** The statement's parameters: every table's columns in parameter order, each one array in row order. */
function parametersOf(rows: BatchRows): unknown[][] {
  return [
    ...columnsOf(rows.trades, TRADE_COLUMNS),
    ...columnsOf(rows.orders, ORDER_COLUMNS),
    ...columnsOf(rows.balances, BALANCE_COLUMNS),
    ...columnsOf(rows.balanceChanges, CHANGE_COLUMNS),
    ...columnsOf(rows.withdrawals, WITHDRAWAL_COLUMNS),
  ];
}

function columnsOf<R>(list: readonly R[], columns: Columns<R>): unknown[][] {
  return columns.map(([name]) => list.map((row) => row[name]));
}

/**
 * Writes `rows` atomically. Safe to call again with the same rows, or with rows
 * older than what is stored.
 * @throws the database's error; nothing of the batch is then written
 */
export async function writeRows(db: Queryable, rows: BatchRows): Promise<void> {
  await db.query({ name: 'db-processor.write-batch', text: WRITE_BATCH, values: parametersOf(rows) });
}
