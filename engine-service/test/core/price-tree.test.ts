import fc from 'fast-check';
import { PriceLevel } from '../../src/core/price-level.js';
import { PriceTree } from '../../src/core/price-tree.js';

/** Checks AVL shape, parent links and ordering; returns the subtree height. */
function checkShape(node: PriceLevel | null, parent: PriceLevel | null, lo: number, hi: number): number {
  if (node === null) return 0;
  expect(node.parent).toBe(parent);
  expect(node.price).toBeGreaterThan(lo);
  expect(node.price).toBeLessThan(hi);
  const lh = checkShape(node.left, node, lo, node.price);
  const rh = checkShape(node.right, node, node.price, hi);
  expect(Math.abs(lh - rh)).toBeLessThanOrEqual(1);
  expect(node.height).toBe(Math.max(lh, rh) + 1);
  return node.height;
}

function rootOf(tree: PriceTree): PriceLevel | null {
  let node = tree.min();
  while (node?.parent != null) node = node.parent;
  return node;
}

describe('PriceTree', () => {
  it('is empty at first', () => {
    const tree = new PriceTree();
    expect(tree.min()).toBeNull();
    expect(tree.max()).toBeNull();
    expect([...tree.ascending()]).toEqual([]);
  });

  it('keeps levels in price order, balanced, through any inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 200 })), { maxLength: 400 }),
        (operations) => {
          // Prepare
          const tree = new PriceTree();
          const levels = new Map<number, PriceLevel>();
          // Act
          for (const [insert, price] of operations) {
            const existing = levels.get(price);
            if (insert && existing === undefined) {
              const level = new PriceLevel(price, true);
              levels.set(price, level);
              tree.insert(level);
            } else if (!insert && existing !== undefined) {
              levels.delete(price);
              tree.remove(existing);
            }
          }
          // Assess
          const sorted = [...levels.keys()].sort((a, b) => a - b);
          expect([...tree.ascending()].map((l) => l.price)).toEqual(sorted);
          expect(tree.size).toBe(sorted.length);
          expect(tree.min()?.price).toBe(sorted[0]);
          expect(tree.max()?.price).toBe(sorted.at(-1));
          const descending: number[] = [];
          for (let l = tree.max(); l !== null; l = tree.prev(l)) descending.push(l.price);
          expect(descending).toEqual([...sorted].reverse());
          checkShape(rootOf(tree), null, 0, Number.POSITIVE_INFINITY);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('stays logarithmic in height for a million ascending inserts', () => {
    const tree = new PriceTree();
    for (let price = 1; price <= 1_000_000; price++) tree.insert(new PriceLevel(price, false));
    // An AVL tree of n nodes is at most 1.44·log2(n) high.
    expect(rootOf(tree)?.height).toBeLessThanOrEqual(Math.ceil(1.45 * Math.log2(1_000_000)));
  });
});
