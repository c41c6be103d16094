/**
 * Where market data is read from: the engine's Redis read models (depth, tickers, book
 * tickers) and PostgreSQL (trades, candles, and the 24 h ticker when Redis has none).
 * Nothing here fails for lack of data: a market without orders or trades reads as an
 * empty book, an empty list, a ticker of zero trades.
 */
import type { BookTickerReadModel, Market, TickerReadModel } from '@exchange/protocol';
import { recentTrades, ticker24h } from '../history/index.js';
import { marketRegistry } from '../markets.js';
import { bookTickersOf, tickersOf } from '../read-models/read-models.js';

export { bookTickersOf, depthOf } from '../read-models/read-models.js';

/**
 * The 24 h tickers of these markets, in order: the engine's read model, or, where it
 * is missing (Redis flushed, engine not started since), the same statistics from the
 * 1-minute candles in PostgreSQL.
 */
export async function tickers24hOf(
  markets: readonly Market[],
  now: number = Date.now(),
): Promise<TickerReadModel[]> {
  const models = await tickersOf(markets);
  return Promise.all(
    models.map(async (model, i) => {
      if (model !== undefined) return model;
      const market = markets[i] as Market;
      const fallback = await ticker24h(market.symbol, now, undefined, marketRegistry());
      if (fallback === undefined) throw new Error(`ticker24h: ${market.symbol} is not in the registry`);
      return fallback;
    }),
  );
}

/** One market's 24 h ticker, as {@link tickers24hOf}. */
export async function ticker24hOf(market: Market, now: number = Date.now()): Promise<TickerReadModel> {
  return (await tickers24hOf([market], now))[0] as TickerReadModel;
}

/** The quantity of each market's last stored trade, in order; `null` before the first. */
export function lastTradeQuantitiesOf(markets: readonly Market[]): Promise<(string | null)[]> {
  return Promise.all(
    markets.map(async (market) => (await recentTrades(market.symbol, 1)).at(-1)?.quantity ?? null),
  );
}

/** What Binance's full 24 h ticker combines: the window, the book's top, the last trade's size. */
export interface MarketSummary {
  readonly ticker: TickerReadModel;
  readonly book: BookTickerReadModel;
  /** Quantity of the last stored trade; `null` before the first. */
  readonly lastQty: string | null;
}

/** {@link MarketSummary} of each market, in order. */
export async function summariesOf(markets: readonly Market[]): Promise<MarketSummary[]> {
  const [tickers, books, quantities] = await Promise.all([
    tickers24hOf(markets),
    bookTickersOf(markets),
    lastTradeQuantitiesOf(markets),
  ]);
  return tickers.map((ticker, i) => ({
    ticker,
    book: books[i] as BookTickerReadModel,
    lastQty: quantities[i] ?? null,
  }));
}
