import type { CancelReplaceOutcome, EngineEvent, MarketRegistry } from '@exchange/protocol';
import { MAX_BOOK_PRICE } from './book-side.js';
import { Ledger } from './ledger.js';
import { type Order, OrderPool } from './order.js';
import { OrderBook } from './order-book.js';
import { OrderIndex } from './order-index.js';
import type { OrderList } from './order-list.js';

/**
 * Everything the engine holds — books, funds, open orders and lists — and the
 * command being applied: the base of the engine's layers (see `engine.ts`).
 */
export class EngineState {
  readonly ledger: Ledger;
  protected readonly books = new Map<string, OrderBook>();
  /** Open orders (resting or waiting) by id. */
  protected readonly orders = new OrderIndex();
  /** Order lists with both orders open, by id. */
  protected readonly lists = new Map<number, OrderList>();
  protected readonly pool = new OrderPool();
  /** Sequence of the last command applied (0 before any). */
  protected lastSeq = 0;
  /** Time of the last command applied (0 before any). */
  protected lastTime = 0;
  /** The last order id given; an order's id is its command's seq, or one more than this when larger. */
  protected lastOrderId = 0;

  // The command being applied.
  protected seq = 0;
  protected time = 0;
  protected events: EngineEvent[] = [];
  /** The cancel-replace outcome of the command, if it is one. */
  protected outcome: CancelReplaceOutcome | undefined = undefined;

  constructor(
    readonly registry: MarketRegistry,
    feeAccountId: string,
  ) {
    this.ledger = new Ledger(registry.assets, feeAccountId);
    for (const market of registry.markets) {
      if (market.maxPriceTicks > MAX_BOOK_PRICE)
        throw new Error(`${market.symbol}: maxPrice is too many ticks`);
      this.books.set(market.symbol, new OrderBook(market));
    }
  }

  /** The id of an order created now: the command's seq, unless an order list already took it. */
  protected nextOrderId(): number {
    this.lastOrderId = this.seq > this.lastOrderId ? this.seq : this.lastOrderId + 1;
    return this.lastOrderId;
  }

  /** Emits the order as it stands now, changed by this command (its `updatedAt` becomes the command's time). */
  protected emitOrder(order: Order): void {
    order.updatedAt = this.time;
    this.events.push(order.view());
  }

  /** Emits the book's depth diff for this command, if it changed. */
  protected flushDepth(book: OrderBook): void {
    const diff = book.takeDiff();
    if (diff !== null) this.events.push(diff);
  }
}
