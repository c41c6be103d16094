/**
 * Wire events → table rows, pure. Amounts stay the decimal strings of the wire (the
 * tables hold them as NUMERIC, exactly); times stay epoch milliseconds.
 *
 * Rows that a write upserts (orders, balances, withdrawals) are collapsed to the
 * newest event per key, because one statement cannot update a row twice; the seq
 * guard in the SQL then keeps whatever is newest across batches. Every list is sorted
 * by its key, so concurrent writers take row locks in the same order.
 */
import type { BalanceEvent, Event, OrderEvent, TradeEvent, WithdrawalEvent } from '@exchange/protocol';

export interface TradeRow {
  readonly market: string;
  readonly trade_id: number;
  readonly time: number;
  readonly seq: number;
  readonly price: string;
  readonly quantity: string;
  readonly quote_quantity: string;
  readonly buy_order_id: number;
  readonly sell_order_id: number;
  readonly buyer_account_id: string;
  readonly seller_account_id: string;
  readonly is_buyer_maker: boolean;
  readonly buyer_fee: string;
  readonly seller_fee: string;
}

export interface OrderRow {
  readonly order_id: number;
  readonly market: string;
  readonly account_id: string;
  readonly client_order_id: string | null;
  readonly side: string;
  readonly order_type: string;
  readonly time_in_force: string;
  readonly post_only: boolean;
  readonly self_trade_prevention: string;
  readonly price: string | null;
  readonly quantity: string | null;
  readonly quote_quantity: string | null;
  readonly filled_quantity: string;
  readonly filled_quote: string;
  readonly status: string;
  readonly reason: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly seq: number;
  /** NULL when the order has no stop price. */
  readonly stop_price: string | null;
  readonly trailing_delta: number;
  /** Ms; NULL while a stop order waits for its trigger. */
  readonly working_time: number | null;
  /** -1 for an order in no list. */
  readonly order_list_id: number;
  /** NULL for an order in no list, or a list without a client id. */
  readonly list_client_order_id: string | null;
}

export interface BalanceRow {
  readonly account_id: string;
  readonly asset: string;
  readonly available: string;
  readonly locked: string;
  readonly seq: number;
  readonly time: number;
}

export interface BalanceChangeRow {
  readonly seq: number;
  readonly account_id: string;
  readonly asset: string;
  readonly available_delta: string;
  readonly locked_delta: string;
  readonly available: string;
  readonly locked: string;
  readonly cause: string;
  readonly time: number;
}

export interface WithdrawalRow {
  readonly withdrawal_id: number;
  readonly account_id: string;
  readonly asset: string;
  readonly amount: string;
  readonly status: string;
  /** When the withdrawal was requested: its first event's time (kept on conflict). */
  readonly created_at: number;
  /** The time of the newest event. */
  readonly time: number;
  readonly seq: number;
}

/** Everything one batch writes, per table. */
export interface BatchRows {
  readonly trades: TradeRow[];
  readonly orders: OrderRow[];
  readonly balances: BalanceRow[];
  readonly balanceChanges: BalanceChangeRow[];
  readonly withdrawals: WithdrawalRow[];
}

/**
 * The rows of a batch's events. `DEPTH` events are market data and produce nothing.
 * @example
 * const rows = rowsOf(records.flatMap((r) => parseEventsRecord(r.body)));
 */
export function rowsOf(events: Iterable<Event>): BatchRows {
  const trades = new Map<string, TradeRow>();
  const orders = new Map<number, OrderRow>();
  const balances = new Map<string, BalanceRow>();
  const changes = new Map<string, BalanceChangeRow>();
  const withdrawals = new Map<number, WithdrawalRow>();
  for (const event of events) {
    switch (event.type) {
      case 'TRADE':
        trades.set(`${event.market}\u0000${event.tradeId}`, tradeRow(event));
        break;
      case 'ORDER':
        keepNewest(orders, event.orderId, orderRow(event));
        break;
      case 'BALANCE': {
        const key = `${event.accountId}\u0000${event.asset}`;
        keepNewest(balances, key, balanceRow(event));
        changes.set(`${event.seq}\u0000${key}`, balanceChangeRow(event));
        break;
      }
      case 'WITHDRAWAL': {
        // Its request and its settlement can come in one batch: the newest row, the first time.
        const held = withdrawals.get(event.withdrawalId);
        const row = withdrawalRow(event);
        const newest = held === undefined || held.seq <= row.seq ? row : held;
        const createdAt = Math.min(row.created_at, held?.created_at ?? row.created_at);
        withdrawals.set(event.withdrawalId, { ...newest, created_at: createdAt });
        break;
      }
      case 'DEPTH':
        break;
    }
  }
  return {
    trades: [...trades.values()].sort((a, b) => compare(a.market, b.market) || a.trade_id - b.trade_id),
    orders: [...orders.values()].sort((a, b) => a.order_id - b.order_id),
    balances: [...balances.values()].sort(
      (a, b) => compare(a.account_id, b.account_id) || compare(a.asset, b.asset),
    ),
    balanceChanges: [...changes.values()].sort(
      (a, b) => compare(a.account_id, b.account_id) || compare(a.asset, b.asset) || a.seq - b.seq,
    ),
    withdrawals: [...withdrawals.values()].sort((a, b) => a.withdrawal_id - b.withdrawal_id),
  };
}

/** Keeps `row` unless the map holds a newer one; of two with the same seq the later wins. */
function keepNewest<K, R extends { readonly seq: number }>(rows: Map<K, R>, key: K, row: R): void {
  const held = rows.get(key);
  if (held === undefined || held.seq <= row.seq) rows.set(key, row);
}

/** Code-unit order: any fixed order does, as long as every writer uses the same. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tradeRow(e: TradeEvent): TradeRow {
  return {
    market: e.market,
    trade_id: e.tradeId,
    time: e.time,
    seq: e.seq,
    price: e.price,
    quantity: e.quantity,
    quote_quantity: e.quoteQuantity,
    buy_order_id: e.buyOrderId,
    sell_order_id: e.sellOrderId,
    buyer_account_id: e.buyerAccountId,
    seller_account_id: e.sellerAccountId,
    is_buyer_maker: e.takerSide === 'SELL',
    buyer_fee: e.buyerFee,
    seller_fee: e.sellerFee,
  };
}

function orderRow(e: OrderEvent): OrderRow {
  return {
    order_id: e.orderId,
    market: e.market,
    account_id: e.accountId,
    client_order_id: e.clientOrderId,
    side: e.side,
    order_type: e.orderType,
    time_in_force: e.timeInForce,
    post_only: e.postOnly,
    self_trade_prevention: e.selfTradePrevention,
    price: e.price,
    quantity: e.quantity,
    quote_quantity: e.quoteQuantity,
    filled_quantity: e.filledQuantity,
    filled_quote: e.filledQuote,
    status: e.status,
    reason: e.reason,
    created_at: e.createdAt,
    updated_at: e.time,
    seq: e.seq,
    stop_price: e.stopPrice ?? null,
    trailing_delta: e.trailingDelta ?? 0,
    working_time: workingTimeOf(e),
    order_list_id: e.orderListId ?? -1,
    list_client_order_id: e.listClientOrderId ?? null,
  };
}

/** Binance's `workingTime`: -1 while a stop waits (NULL here); events without one worked from creation. */
function workingTimeOf(e: OrderEvent): number | null {
  if (e.workingTime === undefined) return e.createdAt;
  return e.workingTime < 0 ? null : e.workingTime;
}

function balanceRow(e: BalanceEvent): BalanceRow {
  return {
    account_id: e.accountId,
    asset: e.asset,
    available: e.available,
    locked: e.locked,
    seq: e.seq,
    time: e.time,
  };
}

function balanceChangeRow(e: BalanceEvent): BalanceChangeRow {
  return {
    seq: e.seq,
    account_id: e.accountId,
    asset: e.asset,
    available_delta: e.availableDelta,
    locked_delta: e.lockedDelta,
    available: e.available,
    locked: e.locked,
    cause: e.cause,
    time: e.time,
  };
}

function withdrawalRow(e: WithdrawalEvent): WithdrawalRow {
  return {
    withdrawal_id: e.withdrawalId,
    account_id: e.accountId,
    asset: e.asset,
    amount: e.amount,
    status: e.status,
    created_at: e.time,
    time: e.time,
    seq: e.seq,
  };
}
