/** WebSocket stream names: what a client may send, its canonical form, and the name shown back. */
import { createMarketRegistry } from '../src/markets.js';
import { clientStreamName, parseStreamName } from '../src/ws-streams.js';

const registry = createMarketRegistry();

describe('parseStreamName', () => {
  it.each([
    ['trades@SOL_USDC', 'trades@SOL_USDC', 'trades', 'native'],
    ['depth@SOL_USDC', 'depth@SOL_USDC', 'depth', 'native'],
    ['ticker@BTC_USDC', 'ticker@BTC_USDC', 'ticker', 'native'],
    ['bookTicker@ETH_USDC', 'bookTicker@ETH_USDC', 'bookTicker', 'native'],
    ['kline@SOL_USDC_1m', 'kline@SOL_USDC_1m', 'kline', 'native'],
    ['solusdc@trade', 'solusdc@trade', 'trades', 'binance'],
    ['SOLUSDC@trade', 'solusdc@trade', 'trades', 'binance'],
    ['solusdc@depth', 'solusdc@depth', 'depth', 'binance'],
    ['solusdc@depth@1000ms', 'solusdc@depth', 'depth', 'binance'],
    ['solusdc@depth@100ms', 'solusdc@depth@100ms', 'depth', 'binance'],
    ['btcusdc@ticker', 'btcusdc@ticker', 'ticker', 'binance'],
    ['btcusdc@bookTicker', 'btcusdc@bookTicker', 'bookTicker', 'binance'],
    ['ethusdc@kline_4h', 'ethusdc@kline_4h', 'kline', 'binance'],
  ])('%s is the canonical %s', (requested, name, kind, face) => {
    // Act
    const parsed = parseStreamName(requested, registry);
    // Assess
    expect(parsed).toMatchObject({ ok: true, stream: { name, kind, face } });
  });

  it('gives depth speeds: the native name and @100ms fast, Binance @depth slow', () => {
    expect(parseStreamName('depth@SOL_USDC', registry)).toMatchObject({ stream: { speed: 'fast' } });
    expect(parseStreamName('solusdc@depth@100ms', registry)).toMatchObject({ stream: { speed: 'fast' } });
    expect(parseStreamName('solusdc@depth', registry)).toMatchObject({ stream: { speed: 'slow' } });
  });

  it.each([
    'trades@DOGE_USDC',
    'trade@SOL_USDC',
    'kline@SOL_USDC_7m',
    'kline@SOL_USDC',
    'dogeusdc@trade',
    'solusdc@kline_1M',
    'solusdc@depth@250ms',
    '@trade',
    'nothing',
    '',
  ])('refuses %s as an unknown stream', (requested) => {
    expect(parseStreamName(requested, registry)).toEqual({ ok: false, error: 'UNKNOWN_STREAM' });
  });

  it('maps account to the connection account, and refuses it without one', () => {
    expect(parseStreamName('account', registry)).toEqual({ ok: false, error: 'AUTH_REQUIRED' });
    expect(parseStreamName('account', registry, 'a-1')).toMatchObject({
      ok: true,
      stream: { name: 'account@a-1', kind: 'account' },
    });
    expect(parseStreamName('account@a-2', registry, 'a-1')).toEqual({ ok: false, error: 'UNKNOWN_STREAM' });
    expect(clientStreamName('account@a-1')).toBe('account');
    expect(clientStreamName('trades@SOL_USDC')).toBe('trades@SOL_USDC');
  });
});
