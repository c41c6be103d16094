/** The candle intervals, from the protocol (the `kline_intervals` table mirrors them; a test holds the two equal). */
export {
  isKlineInterval,
  KLINE_INTERVAL_MS,
  KLINE_INTERVALS,
  KLINE_ORIGIN_MS,
  type KlineInterval,
  klineOpenTime,
} from '@exchange/protocol';
