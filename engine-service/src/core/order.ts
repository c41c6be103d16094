import type {
  EndReason,
  EngineOrderEvent,
  OrderStatus,
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from '@exchange/protocol';
import type { Account } from './account.js';
import { OrderView } from './events.js';
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
  /** Lots not yet filled; for an order sized by quote, unbounded until it ends. */
  remaining = 0;
  filledQuantity = 0;
  /** Quote minor units. */
  filledQuote = 0;
  status: OrderStatus = 'NEW';
  reason: EndReason | null = null;

  level: PriceLevel | null = null;
  prev: Order | null = null;
  next: Order | null = null;
  accountPrev: Order | null = null;
  accountNext: Order | null = null;

  constructor(account: Account) {
    this.account = account;
  }

  /** An immutable picture of the order now, as events and queries carry it. */
  view(): EngineOrderEvent {
    return new OrderView(this);
  }
}

/**
 * Recycles ended orders, so that resting orders — which outlive the young
 * generation — are not allocated and copied by the garbage collector one by one.
 */
export class OrderPool {
  private readonly free: Order[] = [];

  /** A fresh order in state NEW with nothing filled. */
  acquire(
    id: number,
    account: Account,
    market: string,
    side: Side,
    orderType: OrderType,
    timeInForce: TimeInForce,
    postOnly: boolean,
    selfTradePrevention: SelfTradePrevention,
    price: number,
    quantity: number,
    quoteQuantity: number,
    clientOrderId: string | null,
    createdAt: number,
  ): Order {
    const order = this.free.pop() ?? new Order(account);
    order.id = id;
    order.account = account;
    order.market = market;
    order.side = side;
    order.orderType = orderType;
    order.timeInForce = timeInForce;
    order.postOnly = postOnly;
    order.selfTradePrevention = selfTradePrevention;
    order.price = price;
    order.quantity = quantity;
    order.quoteQuantity = quoteQuantity;
    order.clientOrderId = clientOrderId;
    order.createdAt = createdAt;
    order.remaining = quantity > 0 ? quantity : Number.POSITIVE_INFINITY;
    order.filledQuantity = 0;
    order.filledQuote = 0;
    order.status = 'NEW';
    order.reason = null;
    return order;
  }

  /** Takes back an order that has ended and is linked nowhere. */
  release(order: Order): void {
    order.clientOrderId = null;
    this.free.push(order);
  }
}
