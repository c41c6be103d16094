import { type DepthDiff, groupingsOf, OrderBook } from '../src/model/order-book';

const grids = { tickSize: '0.01', stepSize: '0.001' };
const snapshot = {
  lastUpdateId: '10',
  bids: [
    ['100.00', '1.000'],
    ['99.95', '2.500'],
  ] as const,
  asks: [
    ['100.05', '0.500'],
    ['100.20', '3.000'],
  ] as const,
};
const diff = (
  first: number,
  last: number,
  bids: [string, string][] = [],
  asks: [string, string][] = [],
): DepthDiff => ({
  firstUpdateId: first,
  lastUpdateId: last,
  bids,
  asks,
});

describe('OrderBook (unit)', () => {
  it('builds from a snapshot, best first on both sides', () => {
    const book = new OrderBook(grids);
    expect(book.receiveSnapshot(snapshot)).toBe('synced');
    expect(book.raw('bids')).toEqual([
      ['100.00', '1.000'],
      ['99.95', '2.500'],
    ]);
    expect(book.raw('asks')[0]).toEqual(['100.05', '0.500']);
    expect(book.best()).toEqual({ bid: '100.00', ask: '100.05' });
    expect(book.spread()).toEqual({ value: '0.05', percent: '0.05' });
  });

  it('buffers diffs before the snapshot and applies only those past it', () => {
    const book = new OrderBook(grids);
    expect(book.receiveDiff(diff(8, 9, [['50.00', '9.000']]))).toBe('buffered');
    expect(book.receiveDiff(diff(10, 11, [['100.00', '0']]))).toBe('buffered');
    expect(book.receiveDiff(diff(12, 12, [], [['100.10', '1.234']]))).toBe('buffered');
    expect(book.receiveSnapshot(snapshot)).toBe('synced');
    // 8–9 is inside the snapshot (dropped); 10–11 overlaps it and removes 100.00; 12 adds an ask.
    expect(book.raw('bids')).toEqual([['99.95', '2.500']]);
    expect(book.raw('asks').map(([p]) => p)).toEqual(['100.05', '100.10', '100.20']);
    expect(book.lastUpdateId).toBe(12);
  });

  it('applies chained diffs, ignores stale ones, and reports a gap', () => {
    const book = new OrderBook(grids);
    book.receiveSnapshot(snapshot);
    expect(book.receiveDiff(diff(11, 12, [['99.95', '1.000']]))).toBe('applied');
    expect(book.receiveDiff(diff(9, 12, [['99.95', '7.000']]))).toBe('stale');
    expect(book.raw('bids')[1]).toEqual(['99.95', '1.000']);
    expect(book.receiveDiff(diff(14, 15, [['99.00', '1.000']]))).toBe('gap');
    expect(book.isSynced).toBe(false);
    // After a gap, diffs buffer until a new snapshot, which then chains them.
    expect(book.receiveDiff(diff(16, 16, [['98.00', '4.000']]))).toBe('buffered');
    expect(book.receiveSnapshot({ lastUpdateId: 15, bids: [['99.00', '1.000']], asks: [] })).toBe('synced');
    expect(book.raw('bids')).toEqual([
      ['99.00', '1.000'],
      ['98.00', '4.000'],
    ]);
  });

  it('reports a gap when the snapshot is older than the buffered diffs', () => {
    const book = new OrderBook(grids);
    book.receiveDiff(diff(20, 21, [['1.00', '1.000']]));
    expect(book.receiveSnapshot(snapshot)).toBe('gap');
    expect(book.isSynced).toBe(false);
  });

  it('groups levels exactly: bids down, asks up, with running totals and depth', () => {
    const book = new OrderBook(grids);
    book.receiveSnapshot({
      lastUpdateId: 1,
      bids: [
        ['100.09', '0.100'],
        ['100.01', '0.200'],
        ['99.99', '0.300'],
      ],
      asks: [
        ['100.11', '0.100'],
        ['100.19', '0.200'],
        ['100.21', '0.700'],
      ],
    });
    expect(book.levels('bids', '0.1', 10)).toEqual([
      { price: '100.00', quantity: '0.300', total: '0.300', depth: 0.5 },
      { price: '99.90', quantity: '0.300', total: '0.600', depth: 1 },
    ]);
    expect(book.levels('asks', '0.1', 10).map((l) => [l.price, l.quantity, l.total])).toEqual([
      ['100.20', '0.300', '0.300'],
      ['100.30', '0.700', '1.000'],
    ]);
    // 0.1 + 0.2 is exactly 0.3 here, not 0.30000000000000004.
    expect(book.levels('asks', '1', 1)[0]).toMatchObject({ price: '101.00', quantity: '1.000' });
    expect(book.depthLots('asks', '0.01', 2)).toBe(300n);
    expect(() => book.levels('bids', '0.001', 1)).toThrow();
  });

  it('offers groupings from the tick size', () => {
    expect(groupingsOf('0.01')).toEqual(['0.01', '0.1', '1', '10']);
    expect(groupingsOf('0.5')).toEqual(['0.5', '5', '50', '500']);
  });
});
