/** Unit tests for the chaos clients' local order book (pure: no servers). */
import { bookDifferences, type DepthDiff, LocalBook } from './local-book.js';

const diff = (
  first: number,
  last: number,
  bids: [string, string][],
  asks: [string, string][] = [],
): DepthDiff => ({
  firstUpdateId: first,
  lastUpdateId: last,
  bids,
  asks,
});

describe('LocalBook', () => {
  it('buffers diffs until the snapshot, drops those it covers and applies the rest', () => {
    // Prepare
    const book = new LocalBook();
    book.onDiff(diff(4, 5, [['150.00', '1.000']]));
    book.onDiff(diff(6, 7, [['150.00', '0']], [['151.00', '2.000']]));

    // Act
    const step = book.onSnapshot({ lastUpdateId: 5, bids: [['150.00', '1.000']], asks: [] });

    // Assess
    expect(step).toBe('live');
    expect(book.lastUpdateId).toBe(7);
    expect(book.viewAt(7)).toEqual({ lastUpdateId: 7, bids: [], asks: [['151', '2.000']] });
  });

  it('calls a diff that skips an update id a gap and waits for a new snapshot', () => {
    // Prepare
    const book = new LocalBook();
    book.onSnapshot({ lastUpdateId: 10, bids: [], asks: [] });

    // Act
    const step = book.onDiff(diff(12, 12, [['1.00', '1.000']]));

    // Assess
    expect(step).toBe('gap');
    expect(book.live).toBe(false);
    expect(book.gaps).toBe(1);
    expect(book.onSnapshot({ lastUpdateId: 12, bids: [['1.00', '1.000']], asks: [] })).toBe('live');
  });

  it('refuses a snapshot older than the first diff it still needs', () => {
    // Prepare
    const book = new LocalBook();
    book.onDiff(diff(20, 21, []));

    // Act
    const step = book.onSnapshot({ lastUpdateId: 15, bids: [], asks: [] });

    // Assess
    expect(step).toBe('stale');
    expect(book.live).toBe(false);
    expect(book.onSnapshot({ lastUpdateId: 19, bids: [], asks: [] })).toBe('live');
    expect(book.lastUpdateId).toBe(21);
  });

  it('orders each side best first and compares with a snapshot exactly', () => {
    // Prepare
    const book = new LocalBook();
    book.onSnapshot({
      lastUpdateId: 1,
      bids: [['99.5', '1']],
      asks: [['101.00', '3.000']],
    });

    // Act
    book.onDiff(diff(2, 2, [['100.00', '2.000']], [['100.50', '1.000']]));
    const local = book.viewAt(2);

    // Assess
    expect(local?.bids.map(([p]) => p)).toEqual(['100', '99.5']);
    expect(local?.asks.map(([p]) => p)).toEqual(['100.5', '101']);
    const rest = {
      lastUpdateId: 2,
      bids: [
        ['100.00', '2.000'],
        ['99.50', '1.000'],
      ] as [string, string][],
      asks: [
        ['100.50', '1.000'],
        ['101.00', '3.000'],
      ] as [string, string][],
    };
    expect(bookDifferences(rest, local ?? rest)).toEqual([]);
    expect(bookDifferences({ ...rest, asks: [] }, local ?? rest)).toHaveLength(1);
  });
});
