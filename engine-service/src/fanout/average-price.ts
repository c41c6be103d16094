/**
 * Binance's average price (`<symbol>@avgPrice`, `GET /api/v3/avgPrice`): the volume
 * weighted price of the trades of the last 5 minutes, Σ quote / Σ quantity, with 8
 * decimals; with no trade in the window, the last trade's price. Exact (decimal
 * strings throughout). Pure: trades and the clock come in.
 */
import { addDecimal, divideDecimal, type PublicTrade, padDecimals } from '@exchange/protocol';

/** Binance's window. */
export const AVERAGE_PRICE_WINDOW_MS = 5 * 60 * 1000;
/** Decimals of the average, as Binance prints it. */
export const AVERAGE_PRICE_DECIMALS = 8;

/** One market's trades of the last 5 minutes. */
export class AveragePrice {
  private readonly trades: PublicTrade[] = [];
  private last: PublicTrade | undefined;
  private changed = false;

  add(trade: PublicTrade): void {
    this.trades.push(trade);
    this.last = trade;
    this.changed = true;
  }

  /**
   * The average at `now` and the last trade's time, when a trade came in since the
   * last call or one left the window; undefined otherwise (nothing new to send).
   */
  take(now: number): { readonly price: string; readonly lastTradeTime: number } | undefined {
    this.prune(now);
    if (!this.changed || this.last === undefined) return undefined;
    this.changed = false;
    let quote = '0';
    let quantity = '0';
    for (const trade of this.trades) {
      quote = addDecimal(quote, trade.quoteQuantity);
      quantity = addDecimal(quantity, trade.quantity);
    }
    const price =
      this.trades.length === 0
        ? padDecimals(this.last.price, AVERAGE_PRICE_DECIMALS)
        : divideDecimal(quote, quantity, AVERAGE_PRICE_DECIMALS);
    return { price, lastTradeTime: this.last.time };
  }

  /** Drops the trades that left the window (call often when nobody takes the average); returns undefined. */
  prune(now: number): undefined {
    let start = 0;
    while (
      start < this.trades.length &&
      (this.trades[start] as PublicTrade).time < now - AVERAGE_PRICE_WINDOW_MS
    ) {
      start++;
    }
    if (start > 0) {
      this.trades.splice(0, start);
      this.changed = true;
    }
    return undefined;
  }
}
