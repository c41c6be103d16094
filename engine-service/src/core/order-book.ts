import type { EngineDepthEvent, Level, Market } from '@exchange/protocol';
import type { Order } from './order.js';
import { PriceLevel } from './price-level.js';
import { PriceTree } from './price-tree.js';

/**
 * One side of a book: levels by price in a {@link PriceTree} for order, in a Map
 * for O(1) lookup, and the best level cached.
 */
export class BookSide {
  readonly tree = new PriceTree();
  readonly levels = new Map<number, PriceLevel>();
  best: PriceLevel | null = null;
  /** Emptied levels, kept for reuse so long-lived levels are not reallocated. */
  private readonly spare: PriceLevel[] = [];

  constructor(readonly isBid: boolean) {}

  /** Does `price` on this side rank before `other`? */
  isBetter(price: number, other: number): boolean {
    return this.isBid ? price > other : price < other;
  }

  /** The next level away from the top of the book, or null. */
  worse(level: PriceLevel): PriceLevel | null {
    return this.isBid ? this.tree.prev(level) : this.tree.next(level);
  }

  /** The level at `price`, created (and ranked) if absent. */
  levelAt(price: number): PriceLevel {
    let level = this.levels.get(price);
    if (level === undefined) {
      level = this.spare.pop();
      if (level === undefined) level = new PriceLevel(price, this.isBid);
      else level.price = price;
      this.levels.set(price, level);
      this.tree.insert(level);
      if (this.best === null || this.isBetter(price, this.best.price)) this.best = level;
    }
    return level;
  }

  /** Drops an empty level; it is recycled once the command's depth diff has read it. */
  removeLevel(level: PriceLevel): void {
    if (this.best === level) this.best = this.worse(level);
    this.tree.remove(level);
    this.levels.delete(level.price);
  }

  /** Takes back a removed level for reuse. */
  recycle(level: PriceLevel): void {
    level.head = null;
    level.tail = null;
    level.total = 0;
    this.spare.push(level);
  }

  /** Up to `limit` levels from the top, `[ticks, lots]`. */
  top(limit: number): Level[] {
    const out: Level[] = [];
    for (let level = this.best; level !== null && out.length < limit; level = this.worse(level)) {
      out.push([level.price, level.total]);
    }
    return out;
  }
}

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
  /** Levels changed by the current command, in the order first changed (the first `changedCount`). */
  private readonly changed: PriceLevel[] = [];
  private changedCount = 0;

  constructor(readonly market: Market) {}

  side(isBid: boolean): BookSide {
    return isBid ? this.bids : this.asks;
  }

  /** Appends an order at its price, behind everything already there. */
  rest(order: Order, seq: number): void {
    const level = this.side(order.side === 'BUY').levelAt(order.price);
    level.append(order);
    this.markChanged(level, seq);
  }

  /** Takes a resting order off the book; drops its level when empty. */
  unrest(order: Order, seq: number): void {
    const level = order.level as PriceLevel;
    level.remove(order);
    this.markChanged(level, seq);
    if (level.count === 0) this.side(order.side === 'BUY').removeLevel(level);
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
      if (level.count === 0) this.side(level.isBid).recycle(level);
      if (level.isBid) {
        if (bids === NO_LEVELS) bids = [entry];
        else (bids as Level[]).push(entry);
      } else if (asks === NO_LEVELS) asks = [entry];
      else (asks as Level[]).push(entry);
    }
    return { type: 'DEPTH', market: this.market.symbol, updateId: ++this.updateId, bids, asks };
  }
}
