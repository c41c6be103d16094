/**
 * The candle in progress of one market and interval, built from trades. Pure.
 *
 * The engine publishes no candles; the fan-out folds each `md:trades@{market}` fill
 * into the candle of its interval bucket (bucket math of the `klines` table). At start
 * the candle in progress resumes from the `klines` table, and trades the table
 * already counted (trade id at or below its `lastTradeId`) are skipped, so open, high,
 * low and volumes are right even when the fan-out starts mid-bucket.
 */
import {
  addDecimal,
  compareDecimal,
  KLINE_INTERVAL_MS,
  type Kline,
  type KlineInterval,
  klineOpenTime,
  type PublicTrade,
} from '@exchange/protocol';

/** One candle, the REST API's shape (`Kline` of the protocol). */
export type Candle = Kline;

/** @example const live = new LiveCandle('1m'); live.add(trade); live.current(); */
export class LiveCandle {
  private candle: Candle | undefined;

  constructor(readonly interval: KlineInterval) {}

  /** The candle in progress, if any trade (or a stored candle) made one. */
  current(): Candle | undefined {
    return this.candle;
  }

  /** Takes a stored candle as the one in progress, unless a newer bucket already started. */
  resume(stored: Candle): void {
    if (this.candle !== undefined && this.candle.openTime > stored.openTime) return;
    this.candle = stored;
  }

  /**
   * Folds one trade in. Returns the candle it closed when the trade opens a new bucket.
   * Trades already counted, or older than the bucket in progress, are ignored.
   */
  add(trade: PublicTrade): Candle | undefined {
    const openTime = klineOpenTime(this.interval, trade.time);
    const current = this.candle;
    if (current !== undefined && (trade.tradeId <= current.lastTradeId || openTime < current.openTime)) {
      return undefined;
    }
    const takerBuy = trade.takerSide === 'BUY';
    const zero = (value: string) => value.replace(/[1-9]/g, '0');
    if (current === undefined || openTime > current.openTime) {
      this.candle = {
        openTime,
        closeTime: openTime + KLINE_INTERVAL_MS[this.interval] - 1,
        open: trade.price,
        high: trade.price,
        low: trade.price,
        close: trade.price,
        volume: trade.quantity,
        quoteVolume: trade.quoteQuantity,
        takerBuyVolume: takerBuy ? trade.quantity : zero(trade.quantity),
        takerBuyQuoteVolume: takerBuy ? trade.quoteQuantity : zero(trade.quoteQuantity),
        trades: 1,
        firstTradeId: trade.tradeId,
        lastTradeId: trade.tradeId,
      };
      return current;
    }
    this.candle = {
      ...current,
      high: compareDecimal(trade.price, current.high) > 0 ? trade.price : current.high,
      low: compareDecimal(trade.price, current.low) < 0 ? trade.price : current.low,
      close: trade.price,
      volume: addDecimal(current.volume, trade.quantity),
      quoteVolume: addDecimal(current.quoteVolume, trade.quoteQuantity),
      takerBuyVolume: takerBuy ? addDecimal(current.takerBuyVolume, trade.quantity) : current.takerBuyVolume,
      takerBuyQuoteVolume: takerBuy
        ? addDecimal(current.takerBuyQuoteVolume, trade.quoteQuantity)
        : current.takerBuyQuoteVolume,
      trades: current.trades + 1,
      lastTradeId: trade.tradeId,
    };
    return undefined;
  }
}
