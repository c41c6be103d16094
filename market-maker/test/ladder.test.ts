import { gridOf, mulberry32 } from '@exchange/protocol';
import fc from 'fast-check';
import { diffQuotes, ladder, type RestingQuote } from '../src/ladder.js';
import { type BotMarket, lotsForNotional } from '../src/market.js';
import { stepWalk } from '../src/random-walk.js';

const config = { spreadTicks: 10, stepTicks: 5, levels: 4, quantityLots: 100, growthLots: 50 };

describe('ladder', () => {
  it('puts every bid below every ask, levels apart, growing with depth', () => {
    const quotes = ladder(10_000, config);
    const bids = quotes.filter((q) => q.side === 'BUY').map((q) => q.priceTicks);
    const asks = quotes.filter((q) => q.side === 'SELL').map((q) => q.priceTicks);
    expect(bids).toEqual([9_995, 9_990, 9_985, 9_980]);
    expect(asks).toEqual([10_005, 10_010, 10_015, 10_020]);
    expect(quotes.filter((q) => q.side === 'BUY').map((q) => q.quantityLots)).toEqual([100, 150, 200, 250]);
  });

  it('never crosses itself and never prices at or below zero, for any reference and shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        (reference, spreadTicks, stepTicks, levels) => {
          const quotes = ladder(reference, { ...config, spreadTicks, stepTicks, levels });
          const bids = quotes.filter((q) => q.side === 'BUY').map((q) => q.priceTicks);
          const asks = quotes.filter((q) => q.side === 'SELL').map((q) => q.priceTicks);
          return Math.max(0, ...bids) < Math.min(...asks) && bids.every((b) => b > 0);
        },
      ),
    );
  });
});

describe('diffQuotes', () => {
  const resting = (
    side: 'BUY' | 'SELL',
    priceTicks: number,
    openLots: number,
    orderId: number,
  ): RestingQuote => ({
    side,
    priceTicks,
    quantityLots: 100,
    openLots,
    orderId,
  });

  it('keeps matching orders, cancels stale and mostly filled ones, places the missing', () => {
    const wanted = ladder(10_000, { ...config, levels: 2 });
    const diff = diffQuotes(
      [
        resting('BUY', 9_995, 100, 1), // wanted: kept
        resting('BUY', 9_995, 100, 2), // a duplicate of a kept slot: cancelled
        resting('SELL', 10_005, 40, 3), // less than half open: replaced
        resting('SELL', 10_100, 100, 4), // no longer wanted: cancelled
      ],
      wanted,
    );
    expect(diff.cancel.map((o) => o.orderId).sort()).toEqual([2, 3, 4]);
    expect(diff.place.map((q) => `${q.side}${q.priceTicks}`).sort()).toEqual([
      'BUY9990',
      'SELL10005',
      'SELL10010',
    ]);
  });
});

describe('the reference walk', () => {
  it('stays within its bounds and moves at most the step', () => {
    const random = mulberry32(7);
    const bounds = { maxStepTicks: 6, floorTicks: 100, ceilingTicks: 200 };
    let price = 150;
    for (let i = 0; i < 10_000; i++) {
      const next = stepWalk(price, bounds, random);
      expect(Math.abs(next - price)).toBeLessThanOrEqual(6);
      expect(next).toBeGreaterThanOrEqual(100);
      expect(next).toBeLessThanOrEqual(200);
      price = next;
    }
  });
});

describe('lotsForNotional', () => {
  const sol: BotMarket = {
    symbol: 'SOLUSDC',
    baseAsset: 'SOL',
    quoteAsset: 'USDC',
    tick: gridOf('0.01'),
    step: gridOf('0.001'),
    minNotional: '1',
  };

  it('sizes exactly, rounding down to whole lots', () => {
    // 250 USDC at 150.00 = 1.666… SOL = 1666 lots of 0.001
    expect(lotsForNotional(sol, '250', 15_000)).toBe(1_666);
    expect(lotsForNotional(sol, '0.15', 15_000)).toBe(1);
    expect(lotsForNotional(sol, '0.0001', 15_000)).toBe(1);
  });
});
