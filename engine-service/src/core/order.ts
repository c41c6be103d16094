import type {
  EndReason,
  EngineCreateOrder,
  EngineOrderEvent,
  OrderStatus,
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from '@exchange/protocol';
import type { Account } from './account.js';
import { OrderView } from './events.js';
import type { OrderList } from './order-list.js';
import type { PriceLevel } from './price-level.js';

/**
 * A live order. While it rests it is linked into its price level (time priority)
 * and into its account's open-order list (id order), both intrusively.
 *
 * Orders are recycled through an {@link OrderPool}: once an order has ended and its
 * final `view()` has been taken, the object is reused for a later order. Nothing
 * outside the engine ever holds an `Order`; events and queries carry views.
 */
export class Order {
  /** The sequence of the command that created it. */
  id = 0;
  account: Account;
  market = '';
  side: Side = 'BUY';
  orderType: OrderType = 'LIMIT';
  timeInForce: TimeInForce = 'GTC';
  postOnly = false;
  selfTradePrevention: SelfTradePrevention = 'EXPIRE_MAKER';
  /** Ticks; 0 for market orders. */
  price = 0;
  /** Lots; 0 when sized by quote. */
  quantity = 0;
  /** Quote minor units; 0 when sized by quantity. */
  quoteQuantity = 0;
  clientOrderId: string | null = null;
  createdAt = 0;
  /** When a command last changed it (placed, filled, amended, triggered, ended). */
  updatedAt = 0;
  /** Lots not yet filled; for an order sized by quote, unbounded until it ends. */
  remaining = 0;
  filledQuantity = 0;
  /** Quote minor units. */
  filledQuote = 0;
  status: OrderStatus = 'NEW';
  reason: EndReason | null = null;
  /** Ticks; 0 when none. */
  stopPrice = 0;
  /** Basis points; 0 when the order does not trail. */
  trailingDelta = 0;
  /** When it started working on the book; -1 while it waits for its trigger. */
  workingTime = 0;
  /** Funds held for a waiting order (a working order's follow from its price and remainder). */
  locked = 0;
  /**
   * A trailing stop that is tracking: the highest (sell) or lowest (buy) last price
   * since it started; 0 until the first trade it sees.
   */
  trailRef = 0;
  /** A trailing stop tracking the price (its stop price, if any, was reached). */
  tracking = false;
  /** Its order list's id, kept after the list is done; -1 when none. */
  listId = -1;
  /** Its order list's client id, kept with `listId`; null when none or not given. */
  listClientId: string | null = null;
  /** Its order list while both orders are open. */
  list: OrderList | null = null;

  level: PriceLevel | null = null;
  prev: Order | null = null;
  next: Order | null = null;
  accountPrev: Order | null = null;
  accountNext: Order | null = null;

  constructor(account: Account) {
    this.account = account;
  }

  /** Waiting for its trigger (a stop or take-profit not yet working). */
  get waiting(): boolean {
    return this.workingTime < 0;
  }

  /** An immutable picture of the order now, as events and queries carry it. */
  view(): EngineOrderEvent {
    return new OrderView(this);
  }
}

/**
 * What an order is asked to do, as a create command states it. The market is passed
 * apart: orders share the registry's symbol string rather than each command's copy.
 */
export type OrderTerms = Pick<
  EngineCreateOrder,
  | 'side'
  | 'orderType'
  | 'timeInForce'
  | 'postOnly'
  | 'selfTradePrevention'
  | 'price'
  | 'quantity'
  | 'quoteQuantity'
  | 'clientOrderId'
>;

/**
 * Recycles ended orders, so that resting orders — which outlive the young
 * generation — are not allocated and copied by the garbage collector one by one.
 */
export class OrderPool {
  private readonly free: Order[] = [];

  /**
   * A fresh order in state NEW with nothing filled, on the given terms.
   *
   * The terms are read, not kept: the engine passes the create command itself (it
   * has every field), so taking an order allocates nothing on the hot path.
   */
  acquire(id: number, account: Account, market: string, terms: OrderTerms, createdAt: number): Order {
    const order = this.free.pop() ?? new Order(account);
    const quantity = terms.quantity;
    order.id = id;
    order.account = account;
    order.market = market;
    order.side = terms.side;
    order.orderType = terms.orderType;
    order.timeInForce = terms.timeInForce;
    order.postOnly = terms.postOnly;
    order.selfTradePrevention = terms.selfTradePrevention;
    order.price = terms.price;
    order.quantity = quantity;
    order.quoteQuantity = terms.quoteQuantity;
    order.clientOrderId = terms.clientOrderId;
    order.createdAt = createdAt;
    order.updatedAt = createdAt;
    order.remaining = quantity > 0 ? quantity : Number.POSITIVE_INFINITY;
    order.filledQuantity = 0;
    order.filledQuote = 0;
    order.status = 'NEW';
    order.reason = null;
    order.stopPrice = 0;
    order.trailingDelta = 0;
    order.workingTime = createdAt;
    order.locked = 0;
    order.trailRef = 0;
    order.tracking = false;
    order.listId = -1;
    order.listClientId = null;
    order.list = null;
    return order;
  }

  /** Takes back an order that has ended and is linked nowhere. */
  release(order: Order): void {
    order.clientOrderId = null;
    order.list = null;
    this.free.push(order);
  }
}
