import type { PublicTrade } from '@exchange/protocol';
import { LiveCandle } from '../../src/fanout/live-candles.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);

/** Quote amounts of the trades used below (price × quantity), written out exactly. */
const QUOTES: Record<string, string> = {
  '100.00×0.100': '10.000000',
  '101.50×0.200': '20.300000',
  '99.25×0.300': '29.775000',
  '100.00×0.500': '50.000000',
  '97.00×0.500': '48.500000',
  '100.00×1.000': '100.000000',
  '102.00×1.000': '102.000000',
};

function trade(
  tradeId: number,
  time: number,
  price: string,
  quantity: string,
  takerSide: 'BUY' | 'SELL' = 'BUY',
): PublicTrade {
  const quoteQuantity = QUOTES[`${price}×${quantity}`] as string;
  return {
    type: 'TRADE',
    seq: tradeId,
    time,
    market: 'SOL_USDC',
    tradeId,
    price,
    quantity,
    quoteQuantity,
    takerSide,
  };
}

describe('LiveCandle', () => {
  it('folds trades into open, high, low, close and exact volumes', () => {
    // Prepare
    const candle = new LiveCandle('1m');
    // Act
    candle.add(trade(1, T0 + 1, '100.00', '0.100'));
    candle.add(trade(2, T0 + 2, '101.50', '0.200', 'SELL'));
    candle.add(trade(3, T0 + 3, '99.25', '0.300'));
    // Assess
    expect(candle.current()).toEqual({
      openTime: T0,
      closeTime: T0 + MINUTE - 1,
      open: '100.00',
      high: '101.50',
      low: '99.25',
      close: '99.25',
      volume: '0.600',
      quoteVolume: '60.075000',
      takerBuyVolume: '0.400',
      takerBuyQuoteVolume: '39.775000',
      trades: 3,
      firstTradeId: 1,
      lastTradeId: 3,
    });
  });

  it('continues a stored candle, skipping the trades it already counted', () => {
    // Prepare: the table has trades 1–2 of this minute, with a high the live view never saw
    const candle = new LiveCandle('1m');
    candle.resume({
      openTime: T0,
      closeTime: T0 + MINUTE - 1,
      open: '98.00',
      high: '105.00',
      low: '98.00',
      close: '100.00',
      volume: '1.000',
      quoteVolume: '100.000000',
      takerBuyVolume: '0.000',
      takerBuyQuoteVolume: '0.000000',
      trades: 2,
      firstTradeId: 1,
      lastTradeId: 2,
    });
    // Act
    candle.add(trade(2, T0 + 10, '100.00', '0.500'));
    candle.add(trade(3, T0 + 20, '97.00', '0.500'));
    // Assess
    expect(candle.current()).toMatchObject({
      open: '98.00',
      high: '105.00',
      low: '97.00',
      close: '97.00',
      volume: '1.500',
      trades: 3,
      lastTradeId: 3,
    });
  });

  it('closes the candle when a trade opens the next bucket', () => {
    const candle = new LiveCandle('5m');
    candle.add(trade(1, T0, '100.00', '1.000'));
    const closed = candle.add(trade(2, T0 + 5 * MINUTE, '102.00', '1.000'));
    expect(closed).toMatchObject({ openTime: T0, close: '100.00', trades: 1 });
    expect(candle.current()).toMatchObject({ openTime: T0 + 5 * MINUTE, open: '102.00', trades: 1 });
  });
});
