/**
 * One order of an account by its client order id, from the `orders` table — the query
 * `history/orders.ts` does not offer (it looks orders up by engine id). A client order
 * id is unique among an account's open orders only, so the newest order wins.
 */
import { database } from '../db/pool.js';
import { type OrderRecord, orderById } from '../history/index.js';
import type { Queryable } from '../history/queryable.js';

/**
 * The newest order of `accountId` in `market` with this client order id, or undefined.
 * @example const order = await orderByClientId('acc-1', 'SOL_USDC', 'my-order-1');
 */
export async function orderByClientId(
  accountId: string,
  market: string,
  clientOrderId: string,
  db: Queryable = database(),
): Promise<OrderRecord | undefined> {
  const { rows } = await db.query<{ order_id: string }>({
    name: 'trading.order-by-client-id',
    text: `SELECT order_id FROM orders WHERE account_id = $1 AND market = $2 AND client_order_id = $3
      ORDER BY order_id DESC LIMIT 1`,
    values: [accountId, market, clientOrderId],
  });
  const row = rows[0];
  return row === undefined ? undefined : orderById(accountId, Number(row.order_id), db);
}
