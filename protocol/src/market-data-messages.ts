/**
 * What the market-data channels carry (`md:{stream}@{market}`, `md:account@{accountId}`;
 * names in `redis-keys.ts`). Only the fan-out reads them: it rebuilds the public
 * payloads (one {@link PublicTrade} per fill, depth diffs merged per interval) from these
 * per-batch messages, which carry nothing it can rebuild. The ticker and book ticker
 * channels carry their read model's text (`market-read-models.ts`).
 */
import { z } from 'zod';
import {
  balanceEventSchema,
  wireDecimalSchema as decimal,
  fillSchema,
  wireLevelSchema as level,
  orderEventSchema,
  withdrawalEventSchema,
} from './events.js';
import { SIDES } from './order-terms.js';

/**
 * One fill on `md:trades@{market}`: the public part of a `TRADE` event. Account ids,
 * order ids and fees are private and stay off the public channel.
 */
export const publicTradeSchema = z.object({
  type: z.literal('TRADE'),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  market: z.string(),
  tradeId: z.number().int().positive(),
  price: decimal,
  quantity: decimal,
  quoteQuantity: decimal,
  takerSide: z.enum(SIDES),
});
export type PublicTrade = z.infer<typeof publicTradeSchema>;

/** One fill in a `md:trades@{market}` message; the market is the channel's. */
type PublicTradeTuple = [
  seq: number,
  time: number,
  tradeId: number,
  price: string,
  quantity: string,
  quoteQuantity: string,
  takerSide: PublicTrade['takerSide'],
];

/**
 * A `md:trades@{market}` message: one batch's fills in the market, in order, as a
 * JSON array of positional arrays (a third of the size of the {@link PublicTrade}s).
 */
export function publicTradesJson(trades: readonly PublicTrade[]): string {
  return JSON.stringify(
    trades.map(
      (t): PublicTradeTuple => [t.seq, t.time, t.tradeId, t.price, t.quantity, t.quoteQuantity, t.takerSide],
    ),
  );
}

/** The {@link PublicTrade}s of a `md:trades@{market}` message, keys in the schema's order. */
export function publicTradesOf(market: string, json: string): PublicTrade[] {
  return (JSON.parse(json) as PublicTradeTuple[]).map(
    ([seq, time, tradeId, price, quantity, quoteQuantity, takerSide]) => ({
      type: 'TRADE',
      seq,
      time,
      market,
      tradeId,
      price,
      quantity,
      quoteQuantity,
      takerSide,
    }),
  );
}

/**
 * A `md:depth@{market}` message: the `DEPTH` events of one batch in one market merged,
 * each changed level once at its newest quantity (`"0"`: gone), spanning update ids
 * `firstUpdateId`..`lastUpdateId` with none left out, so consecutive messages chain
 * (`firstUpdateId` = the previous `lastUpdateId` + 1). `seq` and `time` are the last
 * change's. Levels in no particular order.
 */
export const depthDiffSchema = z.object({
  firstUpdateId: z.number().int().positive(),
  lastUpdateId: z.number().int().positive(),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  bids: z.array(level),
  asks: z.array(level),
});
export type DepthDiff = z.infer<typeof depthDiffSchema>;

/**
 * What one command did to one account, on `md:account@{accountId}`: the same view
 * of its orders, fills, balances and withdrawals as a reply, sent to every account
 * the command touched (the maker learns of its fill here).
 */
export const accountUpdateSchema = z.object({
  type: z.literal('ACCOUNT'),
  accountId: z.string(),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  orders: z.array(orderEventSchema),
  fills: z.array(fillSchema),
  balances: z.array(balanceEventSchema),
  withdrawals: z.array(withdrawalEventSchema),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;
