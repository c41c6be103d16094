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
import type { PriceLevel } from './price-level.js';

/**
 * A live order. While it rests it is linked into its price level (time priority)
 * and into its account's open-order list (id order), both intrusively.
 */
export class Order {
  /** Lots not yet filled; for an order sized by quote, unbounded until it ends. */
  remaining: number;
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

  constructor(
    /** The sequence of the command that created it. */
    readonly id: number,
    readonly account: Account,
    readonly market: string,
    readonly side: Side,
    readonly orderType: OrderType,
    readonly timeInForce: TimeInForce,
    readonly postOnly: boolean,
    readonly selfTradePrevention: SelfTradePrevention,
    /** Ticks; 0 for market orders. */
    readonly price: number,
    /** Lots; 0 when sized by quote. */
    readonly quantity: number,
    /** Quote minor units; 0 when sized by quantity. */
    readonly quoteQuantity: number,
    readonly clientOrderId: string | null,
    readonly createdAt: number,
  ) {
    this.remaining = quantity > 0 ? quantity : Number.POSITIVE_INFINITY;
  }

  /** An immutable picture of the order now, as events and queries carry it. */
  view(): EngineOrderEvent {
    return {
      type: 'ORDER',
      market: this.market,
      orderId: this.id,
      accountId: this.account.id,
      clientOrderId: this.clientOrderId,
      side: this.side,
      orderType: this.orderType,
      timeInForce: this.timeInForce,
      postOnly: this.postOnly,
      selfTradePrevention: this.selfTradePrevention,
      price: this.price,
      quantity: this.quantity,
      quoteQuantity: this.quoteQuantity,
      filledQuantity: this.filledQuantity,
      filledQuote: this.filledQuote,
      status: this.status,
      reason: this.reason,
      createdAt: this.createdAt,
    };
  }
}
