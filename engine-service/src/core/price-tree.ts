import type { PriceLevel } from './price-level.js';

/**
 * Price levels ordered by price: an intrusive AVL tree whose nodes are the levels
 * themselves. Insert and remove are O(log n); min, max, and stepping to the
 * neighbouring price are O(log n) worst case and O(1) amortised when walking.
 *
 * Hand-written rather than a library because it is the matching engine's hot path:
 * intrusive nodes allocate nothing beyond the level, and the book keeps direct
 * references to levels.
 */
export class PriceTree {
  private root: PriceLevel | null = null;
  size = 0;

  min(): PriceLevel | null {
    let node = this.root;
    if (node === null) return null;
    while (node.left !== null) node = node.left;
    return node;
  }

  max(): PriceLevel | null {
    let node = this.root;
    if (node === null) return null;
    while (node.right !== null) node = node.right;
    return node;
  }

  /** The level with the next higher price, or null. */
  next(node: PriceLevel): PriceLevel | null {
    if (node.right !== null) {
      let n = node.right;
      while (n.left !== null) n = n.left;
      return n;
    }
    let child = node;
    let parent = node.parent;
    while (parent !== null && parent.right === child) {
      child = parent;
      parent = parent.parent;
    }
    return parent;
  }

  /** The level with the next lower price, or null. */
  prev(node: PriceLevel): PriceLevel | null {
    if (node.left !== null) {
      let n = node.left;
      while (n.right !== null) n = n.right;
      return n;
    }
    let child = node;
    let parent = node.parent;
    while (parent !== null && parent.left === child) {
      child = parent;
      parent = parent.parent;
    }
    return parent;
  }

  /** Inserts a level whose price is not yet in the tree. */
  insert(node: PriceLevel): void {
    node.left = null;
    node.right = null;
    node.height = 1;
    this.size++;
    let parent = this.root;
    if (parent === null) {
      node.parent = null;
      this.root = node;
      return;
    }
    const price = node.price;
    for (;;) {
      if (price < parent.price) {
        if (parent.left === null) {
          parent.left = node;
          break;
        }
        parent = parent.left;
      } else {
        if (parent.right === null) {
          parent.right = node;
          break;
        }
        parent = parent.right;
      }
    }
    node.parent = parent;
    this.rebalanceFrom(parent);
  }

  /** Removes a level that is in the tree. */
  remove(node: PriceLevel): void {
    this.size--;
    const { left, right } = node;
    let rebalanceAt: PriceLevel | null;
    if (left === null || right === null) {
      const child = left ?? right;
      this.replace(node, child);
      if (child !== null) child.parent = node.parent;
      rebalanceAt = node.parent;
    } else {
      // Two children: the in-order successor takes the node's place.
      let successor = right;
      while (successor.left !== null) successor = successor.left;
      if (successor === right) {
        rebalanceAt = successor;
      } else {
        rebalanceAt = successor.parent as PriceLevel;
        rebalanceAt.left = successor.right;
        if (successor.right !== null) successor.right.parent = rebalanceAt;
        successor.right = right;
        right.parent = successor;
      }
      successor.left = left;
      left.parent = successor;
      successor.height = node.height;
      this.replace(node, successor);
      successor.parent = node.parent;
    }
    node.left = null;
    node.right = null;
    node.parent = null;
    if (rebalanceAt !== null) this.rebalanceFrom(rebalanceAt);
  }

  /** Every level in ascending price order (tests and snapshots). */
  *ascending(): Generator<PriceLevel> {
    for (let n = this.min(); n !== null; n = this.next(n)) yield n;
  }

  /** Points `node`'s parent (or the root) at `replacement`. */
  private replace(node: PriceLevel, replacement: PriceLevel | null): void {
    const parent = node.parent;
    if (parent === null) this.root = replacement;
    else if (parent.left === node) parent.left = replacement;
    else parent.right = replacement;
  }

  private rebalanceFrom(start: PriceLevel): void {
    let node: PriceLevel | null = start;
    while (node !== null) {
      const lh = height(node.left);
      const rh = height(node.right);
      const balance = lh - rh;
      if (balance > 1) {
        const l = node.left as PriceLevel;
        if (height(l.left) < height(l.right)) this.rotateLeft(l);
        node = this.rotateRight(node);
      } else if (balance < -1) {
        const r = node.right as PriceLevel;
        if (height(r.right) < height(r.left)) this.rotateRight(r);
        node = this.rotateLeft(node);
      } else {
        node.height = Math.max(lh, rh) + 1;
      }
      node = node.parent;
    }
  }

  /** Returns the node now in `x`'s place. */
  private rotateLeft(x: PriceLevel): PriceLevel {
    const y = x.right as PriceLevel;
    x.right = y.left;
    if (y.left !== null) y.left.parent = x;
    this.replace(x, y);
    y.parent = x.parent;
    y.left = x;
    x.parent = y;
    updateHeight(x);
    updateHeight(y);
    return y;
  }

  private rotateRight(x: PriceLevel): PriceLevel {
    const y = x.left as PriceLevel;
    x.left = y.right;
    if (y.right !== null) y.right.parent = x;
    this.replace(x, y);
    y.parent = x.parent;
    y.right = x;
    x.parent = y;
    updateHeight(x);
    updateHeight(y);
    return y;
  }
}

function height(node: PriceLevel | null): number {
  return node === null ? 0 : node.height;
}

function updateHeight(node: PriceLevel): void {
  const lh = height(node.left);
  const rh = height(node.right);
  node.height = Math.max(lh, rh) + 1;
}
