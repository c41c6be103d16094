/** Candle intervals: where each candle opens. */
import { klineOpenTime } from '../src/kline-intervals.js';

describe('klineOpenTime', () => {
  it('starts weeks on Monday and minutes on the minute, like the klines table', () => {
    expect(klineOpenTime('1w', Date.UTC(2024, 0, 4, 15))).toBe(Date.UTC(2024, 0, 1));
    expect(klineOpenTime('1m', Date.UTC(2024, 0, 4, 15, 7, 59, 999))).toBe(Date.UTC(2024, 0, 4, 15, 7));
  });
});
