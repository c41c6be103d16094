import fc from 'fast-check';
import { type AvlNode, AvlTree } from '../../src/core/avl-tree.js';

class Node implements AvlNode<Node> {
  left: Node | null = null;
  right: Node | null = null;
  parent: Node | null = null;
  height = 1;
  constructor(readonly key: number) {}
}

/** Checks AVL shape, parent links and ordering; returns the subtree height. */
function checkShape(node: Node | null, parent: Node | null, lo: number, hi: number): number {
  if (node === null) return 0;
  expect(node.parent).toBe(parent);
  expect(node.key).toBeGreaterThan(lo);
  expect(node.key).toBeLessThan(hi);
  const lh = checkShape(node.left, node, lo, node.key);
  const rh = checkShape(node.right, node, node.key, hi);
  expect(Math.abs(lh - rh)).toBeLessThanOrEqual(1);
  expect(node.height).toBe(Math.max(lh, rh) + 1);
  return node.height;
}

function rootOf(tree: AvlTree<Node>): Node | null {
  let node = tree.min();
  while (node?.parent != null) node = node.parent;
  return node;
}

describe('AvlTree', () => {
  it('is empty at first', () => {
    const tree = new AvlTree<Node>();
    expect(tree.min()).toBeNull();
    expect(tree.max()).toBeNull();
    expect([...tree.ascending()]).toEqual([]);
  });

  it('keeps nodes in key order, balanced, through any inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 200 })), { maxLength: 400 }),
        (operations) => {
          // Prepare
          const tree = new AvlTree<Node>();
          const nodes = new Map<number, Node>();
          // Act
          for (const [insert, key] of operations) {
            const existing = nodes.get(key);
            if (insert && existing === undefined) {
              const node = new Node(key);
              nodes.set(key, node);
              tree.insert(node);
            } else if (!insert && existing !== undefined) {
              nodes.delete(key);
              tree.remove(existing);
            }
          }
          // Assess
          const sorted = [...nodes.keys()].sort((a, b) => a - b);
          expect([...tree.ascending()].map((n) => n.key)).toEqual(sorted);
          expect(tree.size).toBe(sorted.length);
          expect(tree.min()?.key).toBe(sorted[0]);
          expect(tree.max()?.key).toBe(sorted.at(-1));
          const descending: number[] = [];
          for (let n = tree.max(); n !== null; n = tree.prev(n)) descending.push(n.key);
          expect(descending).toEqual([...sorted].reverse());
          checkShape(rootOf(tree), null, 0, Number.POSITIVE_INFINITY);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('stays logarithmic in height for a million ascending inserts', () => {
    const tree = new AvlTree<Node>();
    for (let key = 1; key <= 1_000_000; key++) tree.insert(new Node(key));
    // An AVL tree of n nodes is at most 1.44·log2(n) high.
    expect(rootOf(tree)?.height).toBeLessThanOrEqual(Math.ceil(1.45 * Math.log2(1_000_000)));
  });
});
