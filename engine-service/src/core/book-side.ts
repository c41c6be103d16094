import type { Level } from '@exchange/protocol';
import { type AvlNode, AvlTree } from './avl-tree.js';
import type { Order } from './order.js';
import { PriceLevel } from './price-level.js';

/** Ticks per page: a page is 1024 consecutive prices. */
const PAGE_SHIFT = 10;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const SLOT_MASK = PAGE_SIZE - 1;
const WORDS = PAGE_SIZE >> 5;
/** Empty pages kept for reuse: a book's top often empties and refills. */
const SPARE_PAGES = 8;

/** The highest price a book side can hold: page keys and slots use 32-bit integer arithmetic. */
export const MAX_BOOK_PRICE = 2 ** 31 - 1;

/**
 * 1024 consecutive prices of one side: their levels by slot, and a bitmap of the
 * slots that hold orders, so the next occupied price is a few bit scans away.
 * A page with orders is a node of the side's page tree, ordered by page number;
 * an empty page is out of the tree and may be kept for reuse.
 */
class LevelPage implements AvlNode<LevelPage> {
  readonly levels: (PriceLevel | null)[] = new Array<PriceLevel | null>(PAGE_SIZE).fill(null);
  readonly occupied = new Int32Array(WORDS);
  /** Occupied slots. */
  count = 0;
  left: LevelPage | null = null;
  right: LevelPage | null = null;
  parent: LevelPage | null = null;
  height = 1;

  constructor(readonly key: number) {}

  /** The lowest occupied slot ≥ `from`, or -1. */
  firstAtOrAbove(from: number): number {
    if (from >= PAGE_SIZE) return -1;
    let word = from >> 5;
    let bits = (this.occupied[word] as number) & (-1 << (from & 31));
    for (;;) {
      if (bits !== 0) return (word << 5) + 31 - Math.clz32(bits & -bits);
      if (++word === WORDS) return -1;
      bits = this.occupied[word] as number;
    }
  }

  /** The highest occupied slot ≤ `from`, or -1. */
  lastAtOrBelow(from: number): number {
    if (from < 0) return -1;
    let word = from >> 5;
    let bits = (this.occupied[word] as number) & (-1 >>> (31 - (from & 31)));
    for (;;) {
      if (bits !== 0) return (word << 5) + 31 - Math.clz32(bits);
      if (--word < 0) return -1;
      bits = this.occupied[word] as number;
    }
  }
}

/**
 * One side of a book. Prices are grouped in pages of 1024 ticks: a level is found
 * by page number and slot (O(1), the last page used is cached), the best price is
 * kept, and the next price is found by scanning the page's bitmap, then the page
 * tree (O(log pages)). Level objects stay in their page while it holds orders, so
 * a price that empties and fills again — the common case at the top of a book —
 * allocates nothing and touches no tree.
 */
export class BookSide {
  private readonly pages = new Map<number, LevelPage>();
  private readonly tree = new AvlTree<LevelPage>();
  private lastPage: LevelPage | null = null;
  best: PriceLevel | null = null;
  /** Prices with orders. */
  size = 0;

  constructor(readonly isBid: boolean) {}

  /** Appends an order at its price, behind everything already there. */
  append(order: Order): PriceLevel {
    const price = order.price;
    const page = this.pageFor(price >> PAGE_SHIFT);
    const slot = price & SLOT_MASK;
    let level = page.levels[slot] as PriceLevel | null;
    if (level === null) {
      level = new PriceLevel(price, this.isBid);
      page.levels[slot] = level;
    }
    if (level.count === 0) {
      page.occupied[slot >> 5] = (page.occupied[slot >> 5] as number) | (1 << (slot & 31));
      if (page.count++ === 0) this.tree.insert(page);
      this.size++;
      const best = this.best;
      if (best === null || (this.isBid ? price > best.price : price < best.price)) this.best = level;
    }
    level.append(order);
    return level;
  }

  /** Takes an order off its level; when the level empties the price leaves the side. */
  remove(order: Order): PriceLevel {
    const level = order.level as PriceLevel;
    level.remove(order);
    if (level.count === 0) this.vacate(level);
    return level;
  }

  /** The next price with orders away from the top of the book, or null. */
  worse(level: PriceLevel): PriceLevel | null {
    const price = level.price;
    let page = this.pageAt(price >> PAGE_SHIFT);
    let slot = this.isBid
      ? page.lastAtOrBelow((price & SLOT_MASK) - 1)
      : page.firstAtOrAbove((price & SLOT_MASK) + 1);
    while (slot < 0) {
      const next = this.isBid ? this.tree.prev(page) : this.tree.next(page);
      if (next === null) return null;
      page = next;
      slot = this.isBid ? page.lastAtOrBelow(SLOT_MASK) : page.firstAtOrAbove(0);
    }
    return page.levels[slot] as PriceLevel;
  }

  /** Up to `limit` levels from the top, `[ticks, lots]`. */
  top(limit: number): Level[] {
    const out: Level[] = [];
    for (let level = this.best; level !== null && out.length < limit; level = this.worse(level)) {
      out.push([level.price, level.total]);
    }
    return out;
  }

  private vacate(level: PriceLevel): void {
    const price = level.price;
    const page = this.pageAt(price >> PAGE_SHIFT);
    const slot = price & SLOT_MASK;
    page.occupied[slot >> 5] = (page.occupied[slot >> 5] as number) & ~(1 << (slot & 31));
    this.size--;
    if (this.best === level) this.best = this.worse(level);
    if (--page.count === 0) {
      this.tree.remove(page);
      if (this.pages.size - this.tree.size > SPARE_PAGES) this.dropEmptyPages();
    }
  }

  private dropEmptyPages(): void {
    for (const page of this.pages.values()) {
      if (page.count > 0) continue;
      this.pages.delete(page.key);
      if (this.lastPage === page) this.lastPage = null;
    }
  }

  /** The page with this number, created if absent; it joins the tree with its first order. */
  private pageFor(key: number): LevelPage {
    const last = this.lastPage;
    if (last !== null && last.key === key) return last;
    let page = this.pages.get(key);
    if (page === undefined) {
      page = new LevelPage(key);
      this.pages.set(key, page);
    }
    this.lastPage = page;
    return page;
  }

  private pageAt(key: number): LevelPage {
    const last = this.lastPage;
    if (last !== null && last.key === key) return last;
    return this.pages.get(key) as LevelPage;
  }
}
