import fc from 'fast-check';
import { feeOf, floorDiv, MAX_UNITS } from '../../src/core/fixed-point.js';

describe('floorDiv', () => {
  it('equals BigInt division for every safe pair', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_UNITS }), fc.integer({ min: 1, max: 2 ** 40 }), (a, b) => {
        fc.pre(a <= MAX_UNITS - b);
        expect(floorDiv(a, b)).toBe(Number(BigInt(a) / BigInt(b)));
      }),
      { seed: 1, numRuns: 5000 },
    );
  });

  it('is exact just below a multiple, for the largest quotients', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 26 }), fc.integer({ min: 0, max: 1000 }), (b, back) => {
        const k = Math.floor(MAX_UNITS / b) - back;
        fc.pre(k > 0);
        expect(floorDiv(k * b - 1, b)).toBe(k - 1);
        expect(floorDiv(k * b, b)).toBe(k);
      }),
      { seed: 3, numRuns: 5000 },
    );
  });
});

describe('feeOf', () => {
  it('rounds up to a whole minor unit', () => {
    expect(feeOf(12_345, 10)).toBe(13);
    expect(feeOf(10_000, 10)).toBe(10);
    expect(feeOf(1, 1)).toBe(1);
    expect(feeOf(0, 20)).toBe(0);
    expect(feeOf(123_456, 0)).toBe(0);
  });

  it('equals ⌈amount × bps / 10000⌉ computed in BigInt, up to the ledger maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_UNITS }),
        fc.integer({ min: 0, max: 1000 }),
        (amount, bps) => {
          const exact = (BigInt(amount) * BigInt(bps) + 9_999n) / 10_000n;
          expect(feeOf(amount, bps)).toBe(Number(exact));
        },
      ),
      { seed: 2, numRuns: 5000 },
    );
  });
});
