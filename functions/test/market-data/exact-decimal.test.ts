/**
 * Unit tests (no network) of the market-data helpers: exact decimal division for
 * `weightedAvgPrice`, and symbol resolution in both spellings.
 */

import { binanceSymbol, divideDecimal, padDecimals, zeroWith } from '@exchange/protocol';
import fc from 'fast-check';
import { ApiError } from '../../src/http/api-error.js';
import { resolveMarketList, selectMarkets } from '../../src/market-data/symbols.js';
import { resolveMarket } from '../../src/markets.js';

describe('divideDecimal', () => {
  it('divides exactly and rounds half up at the last decimal', () => {
    expect(divideDecimal('194.550000', '1.950', 8)).toBe('99.76923077');
    expect(divideDecimal('1', '8', 2)).toBe('0.13');
    expect(divideDecimal('1', '8', 3)).toBe('0.125');
    expect(divideDecimal('2', '3', 4)).toBe('0.6667');
    expect(divideDecimal('25.5', '2.000', 8)).toBe('12.75000000');
  });

  it('stays exact far beyond 2^53, where floats would not', () => {
    expect(divideDecimal('123456789012345678901234.000001', '1', 6)).toBe('123456789012345678901234.000001');
    expect(divideDecimal('9007199254740993', '1.0', 0)).toBe('9007199254740993');
  });

  it('answers zero for an average over nothing', () => {
    expect(divideDecimal('0.000000', '0.000', 8)).toBe('0.00000000');
  });

  it('refuses what is not a non-negative decimal string', () => {
    expect(() => divideDecimal('-1', '2', 2)).toThrow('not a non-negative decimal string');
    expect(() => divideDecimal('1e3', '2', 2)).toThrow('not a non-negative decimal string');
  });

  it('gives back the price of any volume bought at one price (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (priceCents, lots) => {
          const price = `${priceCents / 100n}.${String(priceCents % 100n).padStart(2, '0')}`;
          const volume = `${lots / 1000n}.${String(lots % 1000n).padStart(3, '0')}`;
          const quoteUnits = priceCents * lots * 10n; // 10^-6 quote, as the ledger counts USDC
          const quote = `${quoteUnits / 1_000_000n}.${String(quoteUnits % 1_000_000n).padStart(6, '0')}`;
          return divideDecimal(quote, volume, 8) === padDecimals(price, 8);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('padDecimals and zeroWith', () => {
  it('pads to at least so many decimals, never rounding', () => {
    expect(padDecimals('0.01', 8)).toBe('0.01000000');
    expect(padDecimals('1000000', 8)).toBe('1000000.00000000');
    expect(padDecimals('0.123456789', 8)).toBe('0.123456789');
    expect(zeroWith(2)).toBe('0.00');
    expect(zeroWith(0)).toBe('0');
  });
});

describe('symbols', () => {
  it('names a market in both spellings', () => {
    expect(resolveMarket('SOL_USDC').symbol).toBe('SOL_USDC');
    expect(resolveMarket('SOLUSDC').symbol).toBe('SOL_USDC');
    expect(binanceSymbol(resolveMarket('BTC_USDC').symbol)).toBe('BTCUSDC');
  });

  it('refuses a symbol that is not listed with UNKNOWN_SYMBOL on the field given', () => {
    const error = (() => {
      try {
        resolveMarket('XRPUSDC', 'symbols');
      } catch (e) {
        return e;
      }
    })() as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.body('v3')).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(error.body('v1')).toMatchObject({ code: 'UNKNOWN_SYMBOL', field: 'symbols' });
  });

  it('reads a symbols list in the order sent, each market once', () => {
    const list = resolveMarketList('["BTCUSDC","SOL_USDC","BTCUSDC"]');
    expect(list.map((m) => m.symbol)).toEqual(['BTC_USDC', 'SOL_USDC']);
    expect(() => resolveMarketList('[]')).toThrow(ApiError);
  });

  it('selects one market, a list, or every market', () => {
    expect(selectMarkets({ symbol: 'ETHUSDC' })).toMatchObject({ symbol: 'ETH_USDC' });
    expect((selectMarkets({}) as { symbol: string }[]).map((m) => m.symbol)).toEqual([
      'SOL_USDC',
      'BTC_USDC',
      'ETH_USDC',
    ]);
    expect(() => selectMarkets({ symbol: 'SOLUSDC', symbols: '["SOLUSDC"]' })).toThrow(
      expect.objectContaining({ code: 'PARAMETER_NOT_REQUIRED' }),
    );
  });
});
