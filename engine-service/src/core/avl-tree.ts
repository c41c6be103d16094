/** A node of an {@link AvlTree}: the tree owns the links, the node owns its key. */
export interface AvlNode<N> {
  readonly key: number;
  left: N | null;
  right: N | null;
  parent: N | null;
  height: number;
}

/**
 * Nodes ordered by an integer key: an intrusive AVL tree whose nodes are the
 * caller's objects themselves. Insert and remove are O(log n); min, max, and
 * stepping to the neighbouring key are O(log n) worst case and O(1) amortised
 * when walking.
 *
 * Hand-written rather than a library: intrusive nodes allocate nothing, and the
 * order book keeps direct references to them.
 */
export class AvlTree<N extends AvlNode<N>> {
  private root: N | null = null;
  size = 0;

  min(): N | null {
    let node = this.root;
    if (node === null) return null;
    while (node.left !== null) node = node.left;
    return node;
  }

  max(): N | null {
    let node = this.root;
    if (node === null) return null;
    while (node.right !== null) node = node.right;
    return node;
  }

  /** The node with the next higher key, or null. */
  next(node: N): N | null {
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

  /** The node with the next lower key, or null. */
  prev(node: N): N | null {
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

  /** Inserts a node whose key is not yet in the tree. */
  insert(node: N): void {
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
    const key = node.key;
    for (;;) {
      if (key < parent.key) {
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

  /** Removes a node that is in the tree. */
  remove(node: N): void {
    this.size--;
    const { left, right } = node;
    let rebalanceAt: N | null;
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
        rebalanceAt = successor.parent as N;
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

  /** Every node in ascending key order. */
  *ascending(): Generator<N> {
    for (let n = this.min(); n !== null; n = this.next(n)) yield n;
  }

  /** Points `node`'s parent (or the root) at `replacement`. */
  private replace(node: N, replacement: N | null): void {
    const parent = node.parent;
    if (parent === null) this.root = replacement;
    else if (parent.left === node) parent.left = replacement;
    else parent.right = replacement;
  }

  private rebalanceFrom(start: N): void {
    let node: N | null = start;
    while (node !== null) {
      const lh = height(node.left);
      const rh = height(node.right);
      const balance = lh - rh;
      if (balance > 1) {
        const l = node.left as N;
        if (height(l.left) < height(l.right)) this.rotateLeft(l);
        node = this.rotateRight(node);
      } else if (balance < -1) {
        const r = node.right as N;
        if (height(r.right) < height(r.left)) this.rotateRight(r);
        node = this.rotateLeft(node);
      } else {
        node.height = Math.max(lh, rh) + 1;
      }
      node = node.parent;
    }
  }

  /** Returns the node now in `x`'s place. */
  private rotateLeft(x: N): N {
    const y = x.right as N;
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

  private rotateRight(x: N): N {
    const y = x.left as N;
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

function height<N extends AvlNode<N>>(node: N | null): number {
  return node === null ? 0 : node.height;
}

function updateHeight<N extends AvlNode<N>>(node: N): void {
  const lh = height(node.left);
  const rh = height(node.right);
  node.height = Math.max(lh, rh) + 1;
}
