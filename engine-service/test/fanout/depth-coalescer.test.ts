import type { DepthDiff } from '@exchange/protocol';
import { DepthCoalescer } from '../../src/fanout/depth-coalescer.js';

/** The engine's diff of one batch that changed the book once (update id `updateId`), or several (to `last`). */
function diff(
  updateId: number,
  bids: [string, string][],
  asks: [string, string][] = [],
  last = updateId,
): DepthDiff {
  return { firstUpdateId: updateId, lastUpdateId: last, seq: last * 10, time: last * 100, bids, asks };
}

describe('DepthCoalescer', () => {
  it('merges diffs: newest quantity per level, ids spanning the merge, sides sorted best first', () => {
    // Prepare
    const merge = new DepthCoalescer('SOL_USDC');
    // Act
    merge.add(
      diff(
        5,
        [
          ['99.50', '1.000'],
          ['100.00', '2.000'],
        ],
        [['101.00', '1.000']],
      ),
    );
    merge.add(
      diff(
        6,
        [
          ['99.50', '0.000'],
          ['9.99', '3.000'],
        ],
        [['100.50', '4.000']],
      ),
    );
    const merged = merge.take();
    // Assess
    expect(merged).toEqual({
      market: 'SOL_USDC',
      firstUpdateId: 5,
      lastUpdateId: 6,
      seq: 60,
      time: 600,
      bids: [
        ['100.00', '2.000'],
        ['99.50', '0.000'],
        ['9.99', '3.000'],
      ],
      asks: [
        ['100.50', '4.000'],
        ['101.00', '1.000'],
      ],
    });
    expect(merge.take()).toBeUndefined();
  });

  it('chains merges exactly: each starts after the previous one ended', () => {
    const merge = new DepthCoalescer('SOL_USDC');
    merge.add(diff(1, [['1.00', '1.000']]));
    const first = merge.take();
    merge.add(diff(2, [['1.00', '2.000']]));
    merge.add(diff(3, [['1.00', '3.000']]));
    const second = merge.take();
    expect([first?.lastUpdateId, second?.firstUpdateId, second?.lastUpdateId]).toEqual([1, 2, 3]);
  });

  it('closes the merge at a gap so that clients see it, and ignores redelivered diffs', () => {
    // Prepare
    const merge = new DepthCoalescer('SOL_USDC');
    merge.add(diff(1, [['1.00', '1.000']]));
    // Act
    const closed = merge.add(diff(3, [['1.00', '3.000']]));
    const redelivered = merge.add(diff(2, [['1.00', '9.000']]));
    const pending = merge.take();
    // Assess
    expect(closed).toMatchObject({ firstUpdateId: 1, lastUpdateId: 1 });
    expect(redelivered).toBeUndefined();
    expect(pending).toMatchObject({ firstUpdateId: 3, lastUpdateId: 3, bids: [['1.00', '3.000']] });
  });

  it('merges batch diffs spanning several ids, and the part of a republished diff beyond what it saw', () => {
    // Prepare
    const merge = new DepthCoalescer('SOL_USDC');
    merge.add(diff(1, [['1.00', '1.000']], [], 3));
    // Act: ids 2..5 again after an engine restart, then 6
    const closed = merge.add(diff(2, [['1.00', '5.000']], [], 5));
    merge.add(diff(6, [['2.00', '1.000']]));
    const pending = merge.take();
    // Assess: one merge 1..6, no gap
    expect(closed).toBeUndefined();
    expect(pending).toMatchObject({
      firstUpdateId: 1,
      lastUpdateId: 6,
      seq: 60,
      bids: [
        ['2.00', '1.000'],
        ['1.00', '5.000'],
      ],
    });
  });
});
