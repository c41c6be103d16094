import type { EngineDepthEvent, Level, Market } from '@exchange/protocol';
import { BookSide } from './book-side.js';
import { DepthDiff } from './events.js';
import type { Order } from './order.js';
import type { PriceLevel } from './price-level.js';
import { StopBook } from './stop-book.js';

/**
 * Shared by every diff with no change on one side. Events are read-only by type;
 * not frozen, because a frozen array would make every diff's arrays slow to read.
 */
const NO_LEVELS: readonly Level[] = [];

/**
 * One market's order book: bids and asks with price-time priority, the market's
 * update id (one step per command that changes the book) and trade id counter,
 * and the levels the current command changed, for its depth diff.
 */
export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  updateId = 0;
  lastTradeId = 0;
  /** Price of the last trade, ticks; 0 before the first. What stop orders trigger on. */
  lastPrice = 0;
  /** The last trade id the stop orders have seen. */
  stopsSawTradeId = 0;
  /** Stop and take-profit orders waiting for their trigger. */
  readonly stops = new StopBook();
  /** Levels changed by the current command, in the order first changed (the first `changedCount`). */
  private readonly changed: PriceLevel[] = [];
  private changedCount = 0;

  constructor(readonly market: Market) {}

  side(isBid: boolean): BookSide {
    return isBid ? this.bids : this.asks;
  }

  /** Appends an order at its price, behind everything already there. */
  rest(order: Order, seq: number): void {
    this.markChanged(this.side(order.side === 'BUY').append(order), seq);
  }

  /** Takes a resting order off the book; drops its level when empty. */
  unrest(order: Order, seq: number): void {
    this.markChanged(this.side(order.side === 'BUY').remove(order), seq);
  }

  /** Records a level in the current command's depth diff. */
  markChanged(level: PriceLevel, seq: number): void {
    if (level.changedAt !== seq) {
      level.changedAt = seq;
      this.changed[this.changedCount++] = level;
    }
  }

  /**
   * The current command's depth diff under the next update id, or null when the book
   * did not change. Each changed level appears once, with its total now (0 = gone).
   */
  takeDiff(): EngineDepthEvent | null {
    const count = this.changedCount;
    if (count === 0) return null;
    this.changedCount = 0;
    let bids = NO_LEVELS;
    let asks = NO_LEVELS;
    for (let i = 0; i < count; i++) {
      const level = this.changed[i] as PriceLevel;
      const entry: Level = [level.price, level.total];
      if (level.isBid) {
        if (bids === NO_LEVELS) bids = [entry];
        else (bids as Level[]).push(entry);
      } else if (asks === NO_LEVELS) asks = [entry];
      else (asks as Level[]).push(entry);
    }
    return new DepthDiff(this.market.symbol, ++this.updateId, bids, asks);
  }
}
