/**
 * What an account's Redis read models hold: `balances:{accountId}` and
 * `orders:{accountId}`, hashes the engine writes a batch's changed assets and orders
 * into (one `MULTI` per batch, so a read sees one batch's state, never half of one), and
 * how each, read whole with one `HGETALL`, becomes the API's view
 * ({@link balancesReadModelOf}, {@link openOrdersReadModelOf}). Values are positional
 * JSON (arrays, no field names) and leave out what the key or field name already says.
 * The names are in `redis-keys.ts`.
 */
import { z } from 'zod';
import { formatUnits } from './decimal.js';
import { wireDecimalSchema as decimal, orderEventSchema } from './events.js';
import type { Asset } from './markets.js';
import { stopAndListTerms } from './order-terms.js';
import { SEQ_FIELD, readModelSeqSchema as seq } from './read-model-seq.js';

/** An account's balances as the API shows them: every asset of the exchange, zero balances included. */
export const balancesReadModelSchema = z.object({
  accountId: z.string(),
  seq,
  balances: z.array(z.object({ asset: z.string(), available: decimal, locked: decimal })),
});
export type BalancesReadModel = z.infer<typeof balancesReadModelSchema>;

/** A resting order as the read model holds it: its latest `ORDER` event without the sequence (`time`: when it last changed). */
export const openOrderSchema = orderEventSchema.omit({ type: true, seq: true });
export type OpenOrder = z.infer<typeof openOrderSchema>;

/** An account's resting orders as the API shows them, in every market, oldest first. */
export const openOrdersReadModelSchema = z.object({
  accountId: z.string(),
  seq,
  orders: z.array(openOrderSchema),
});
export type OpenOrdersReadModel = z.infer<typeof openOrdersReadModelSchema>;

/**
 * One asset's value in `balances:{accountId}` (the field's name is the asset):
 * `[available,locked]` in the asset's minor units (integers below 2^53, as the engine
 * keeps them).
 */
export function balanceField(available: number, locked: number): string {
  return `[${available},${locked}]`;
}

/**
 * `balances:{accountId}` (as `HGETALL` returns it) as the API shows it: every asset
 * of `assets` in that order, zero (at the asset's decimals) for assets the hash does
 * not hold. An absent key (`{}`) is an account that never held anything: `seq` 0.
 */
export function balancesReadModelOf(
  accountId: string,
  assets: readonly Asset[],
  hash: Readonly<Record<string, string>>,
): BalancesReadModel {
  return {
    accountId,
    seq: Number(hash[SEQ_FIELD] ?? 0),
    balances: assets.map(({ symbol, decimals }) => {
      const field = hash[symbol];
      if (field === undefined) {
        const zero = formatUnits(0, decimals);
        return { asset: symbol, available: zero, locked: zero };
      }
      const [available, locked] = JSON.parse(field) as [number, number];
      return {
        asset: symbol,
        available: formatUnits(available, decimals),
        locked: formatUnits(locked, decimals),
      };
    }),
  };
}

/** An {@link OpenOrder}'s values in `orders:{accountId}`, in this order (id and account are the field and key). */
type OpenOrderTuple = [
  market: string,
  clientOrderId: OpenOrder['clientOrderId'],
  side: OpenOrder['side'],
  orderType: OpenOrder['orderType'],
  timeInForce: OpenOrder['timeInForce'],
  postOnly: boolean,
  selfTradePrevention: OpenOrder['selfTradePrevention'],
  price: string | null,
  quantity: string | null,
  quoteQuantity: string | null,
  filledQuantity: string,
  filledQuote: string,
  status: OpenOrder['status'],
  reason: OpenOrder['reason'],
  createdAt: number,
  /** When it last changed (the `time` of its latest ORDER event). */
  time: number,
  // The stop and list terms a plain order leaves out (see openOrderField); `null` where
  // left out before one that is set.
  stopPrice?: string | null,
  trailingDelta?: number | null,
  workingTime?: number | null,
  orderListId?: number | null,
  listClientOrderId?: string | null,
];

/** A resting order's value in `orders:{accountId}` (the field's name is its id): a JSON array. */
export function openOrderField(order: OpenOrder): string {
  const tuple: OpenOrderTuple = [
    order.market,
    order.clientOrderId,
    order.side,
    order.orderType,
    order.timeInForce,
    order.postOnly,
    order.selfTradePrevention,
    order.price,
    order.quantity,
    order.quoteQuantity,
    order.filledQuantity,
    order.filledQuote,
    order.status,
    order.reason,
    order.createdAt,
    order.time,
    order.stopPrice,
    order.trailingDelta,
    order.workingTime,
    order.orderListId,
    order.listClientOrderId,
  ];
  // The stop and list terms a plain order leaves out (StopAndListTerms) are cut from the
  // end, and stand as `null` before one that is set: a plain order is 30 bytes shorter.
  const first = tuple.length - 5;
  let length = tuple.length;
  while (length > first && tuple[length - 1] === undefined) length--;
  tuple.length = length;
  return JSON.stringify(tuple);
}

/** The {@link OpenOrder} an `orders:{accountId}` field holds, keys in the schema's order. */
function openOrderOf(accountId: string, orderId: number, json: string): OpenOrder {
  const [
    market,
    clientOrderId,
    side,
    orderType,
    timeInForce,
    postOnly,
    selfTradePrevention,
    price,
    quantity,
    quoteQuantity,
    filledQuantity,
    filledQuote,
    status,
    reason,
    createdAt,
    time,
    stopPrice,
    trailingDelta,
    workingTime,
    orderListId,
    listClientOrderId,
  ] = JSON.parse(json) as OpenOrderTuple;
  return {
    time,
    market,
    orderId,
    accountId,
    clientOrderId,
    side,
    orderType,
    timeInForce,
    postOnly,
    selfTradePrevention,
    price,
    quantity,
    quoteQuantity,
    filledQuantity,
    filledQuote,
    status,
    reason,
    createdAt,
    ...stopAndListTerms(
      createdAt,
      stopPrice ?? null,
      trailingDelta ?? 0,
      workingTime ?? createdAt,
      orderListId ?? -1,
      listClientOrderId ?? null,
    ),
  };
}

/**
 * `orders:{accountId}` (as `HGETALL` returns it: field = order id, value =
 * {@link openOrderField}) as the API shows it: oldest first, that is by order id,
 * which the engine hands out in placement order.
 */
export function openOrdersReadModelOf(
  accountId: string,
  hash: Readonly<Record<string, string>>,
): OpenOrdersReadModel {
  const orders: OpenOrder[] = [];
  for (const [field, json] of Object.entries(hash)) {
    if (field !== SEQ_FIELD) orders.push(openOrderOf(accountId, Number(field), json));
  }
  orders.sort((a, b) => a.orderId - b.orderId);
  return { accountId, seq: Number(hash[SEQ_FIELD] ?? 0), orders };
}
