import fc from 'fast-check';
import { DecimalError, type DecimalErrorKind } from '../src/decimal.js';
import { compareDecimal } from '../src/decimal-arithmetic.js';

function kindOf(act: () => unknown): DecimalErrorKind | 'ok' {
  try {
    act();
    return 'ok';
  } catch (error) {
    if (error instanceof DecimalError) return error.kind;
    throw error;
  }
}

describe('compareDecimal', () => {
  it.each([
    ['10.0', '9.99', 1],
    ['9.99', '10.0', -1],
    ['1.50', '1.5', 0],
    ['0', '0.000', 0],
    ['007.1', '7.10', 0],
    ['123456789012345678901234.5', '123456789012345678901234.49', 1],
  ])('orders %s against %s by value', (a, b, expected) => {
    // Act
    const order = compareDecimal(a, b);

    // Assess
    expect(order).toBe(expected);
  });

  it.each([
    ['-1', 'NEGATIVE'],
    ['-0.5', 'NEGATIVE'],
    ['', 'NOT_A_NUMBER'],
    ['abc', 'NOT_A_NUMBER'],
    ['1.', 'NOT_A_NUMBER'],
    ['.5', 'NOT_A_NUMBER'],
    ['1e3', 'NOT_A_NUMBER'],
    [' 1', 'NOT_A_NUMBER'],
    ['--1', 'NOT_A_NUMBER'],
  ])('refuses %j on either side with DecimalError %s', (bad, kind) => {
    // Act and assess: the same refusal whichever side the bad value is on.
    expect(kindOf(() => compareDecimal(bad, '1'))).toBe(kind);
    expect(kindOf(() => compareDecimal('1', bad))).toBe(kind);
  });

  it('agrees with BigInt order on random scaled integers', () => {
    const scaled = fc.record({ units: fc.bigInt({ min: 0n, max: 10n ** 30n }), decimals: fc.nat(12) });
    const text = ({ units, decimals }: { units: bigint; decimals: number }): string => {
      const digits = units.toString().padStart(decimals + 1, '0');
      return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
    };
    fc.assert(
      fc.property(scaled, scaled, (x, y) => {
        const d = Math.max(x.decimals, y.decimals);
        const a = x.units * 10n ** BigInt(d - x.decimals);
        const b = y.units * 10n ** BigInt(d - y.decimals);
        expect(compareDecimal(text(x), text(y))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
