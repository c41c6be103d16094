import fc from 'fast-check';
import {
  DecimalError,
  type DecimalErrorKind,
  formatOnGrid,
  formatUnits,
  gridOf,
  parseOnGrid,
  parseUnits,
} from '../src/decimal.js';

function kindOf(parse: () => unknown): DecimalErrorKind | 'ok' {
  try {
    parse();
    return 'ok';
  } catch (error) {
    if (error instanceof DecimalError) return error.kind;
    throw error;
  }
}

describe('parseUnits', () => {
  it.each([
    ['0', 6, 0],
    ['1', 6, 1_000_000],
    ['12.5', 6, 12_500_000],
    ['0.000001', 6, 1],
    ['1.500000000', 6, 1_500_000],
    ['007.10', 2, 710],
    ['90071992.54740991', 8, Number.MAX_SAFE_INTEGER],
  ])('reads %s with %i decimals as %i', (input, decimals, expected) => {
    expect(parseUnits(input, decimals)).toBe(expected);
  });

  it.each<[unknown, number, DecimalErrorKind]>([
    ['-1', 6, 'NEGATIVE'],
    ['-0.5', 6, 'NEGATIVE'],
    ['abc', 6, 'NOT_A_NUMBER'],
    ['', 6, 'NOT_A_NUMBER'],
    ['1e5', 6, 'NOT_A_NUMBER'],
    ['+1', 6, 'NOT_A_NUMBER'],
    [' 1', 6, 'NOT_A_NUMBER'],
    ['1.', 6, 'NOT_A_NUMBER'],
    ['.5', 6, 'NOT_A_NUMBER'],
    ['0x10', 6, 'NOT_A_NUMBER'],
    ['NaN', 6, 'NOT_A_NUMBER'],
    [12, 6, 'NOT_A_NUMBER'],
    [null, 6, 'NOT_A_NUMBER'],
    ['0.0000001', 6, 'TOO_MANY_DECIMALS'],
    ['90071992.54740992', 8, 'OUT_OF_RANGE'],
    ['99999999999999999999', 6, 'OUT_OF_RANGE'],
  ])('refuses %p with %i decimals as %s', (input, decimals, kind) => {
    expect(kindOf(() => parseUnits(input, decimals))).toBe(kind);
  });

  it('round-trips every safe integer through its canonical string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 18 }),
        (n, d) => {
          expect(parseUnits(formatUnits(n, d), d)).toBe(n);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('formatUnits', () => {
  it.each([
    [0, 6, '0.000000'],
    [1, 6, '0.000001'],
    [12_500_000, 6, '12.500000'],
    [-1_500, 2, '-15.00'],
    [42, 0, '42'],
    [10n ** 20n, 8, '1000000000000.00000000'],
  ])('formats %p with %i decimals as %s', (units, decimals, expected) => {
    expect(formatUnits(units, decimals)).toBe(expected);
  });
});

describe('grids', () => {
  it('reads a step into mantissa and decimals', () => {
    expect(gridOf('0.05')).toEqual({ step: '0.05', mantissa: 5, decimals: 2 });
    expect(gridOf('10')).toEqual({ step: '10', mantissa: 10, decimals: 0 });
    expect(gridOf('0.0010')).toEqual({ step: '0.0010', mantissa: 1, decimals: 3 });
  });

  it('refuses a zero or malformed step', () => {
    expect(() => gridOf('0')).toThrow('positive');
    expect(() => gridOf('0.000')).toThrow('positive');
    expect(() => gridOf('-1')).toThrow('not a decimal');
  });

  it('counts steps exactly and refuses values between steps', () => {
    const tick = gridOf('0.05');
    expect(parseOnGrid('100.25', tick)).toBe(2005);
    expect(parseOnGrid('100.2500', tick)).toBe(2005);
    expect(kindOf(() => parseOnGrid('100.26', tick))).toBe('OFF_GRID');
    expect(kindOf(() => parseOnGrid('100.251', tick))).toBe('TOO_MANY_DECIMALS');
    expect(kindOf(() => parseOnGrid('-0.05', tick))).toBe('NEGATIVE');
  });

  it('formats steps with the grid decimals, and parses them back', () => {
    const tick = gridOf('0.05');
    expect(formatOnGrid(2005, tick)).toBe('100.25');
    expect(formatOnGrid(0, tick)).toBe('0.00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 }), (steps) => {
        expect(parseOnGrid(formatOnGrid(steps, tick), tick)).toBe(steps);
      }),
      { seed: 11, numRuns: 1000 },
    );
  });

  it('never accepts a value off the grid, whatever its digits', () => {
    const step = gridOf('0.001');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 1, max: 9 }), (whole, extra) => {
        const input = `${formatOnGrid(whole, step)}${extra}`;
        expect(kindOf(() => parseOnGrid(input, step))).toBe('TOO_MANY_DECIMALS');
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
