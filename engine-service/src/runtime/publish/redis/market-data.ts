/**
 * Market data: once per batch and market its fills in one message and its depth
 * changes merged in another; ticker and book ticker each written and published by one
 * script call carrying their JSON once, the book ticker only when the best bid or ask
 * moved. The 24 h tickers live in memory, fed by the batches' trades.
 */
import {
  bookTickerJson,
  type DepthDiff,
  type ExecutionResult,
  formatOnGrid,
  publicTradesJson,
  type RedisKeys,
  tickerJson,
} from '@exchange/protocol';
import type { ChainableCommander } from 'ioredis';
import type { Engine } from '../../../core/index.js';
import { formatBookTicker, formatTicker } from '../ticker.js';
import type { MarketBatch, Touched } from './batch-touched.js';
import { type MarketStates, requireMarket } from './market-state.js';
import type { SetAndPublish } from './pipeline.js';

const MINUTE_MS = 60_000;

/** Publishes `md:trades@`, `md:depth@`, and writes and publishes `ticker`/`bookTicker` per market. */
export class MarketData {
  constructor(
    private readonly engine: Engine,
    private readonly keys: RedisKeys,
    private readonly markets: MarketStates,
  ) {}

  /** Counts a result's trades in the 24 h tickers without publishing anything. */
  countTrades(result: ExecutionResult): void {
    for (const event of result.events) {
      if (event.type === 'TRADE') this.markets.of(event.market).ticker.addTrade(event, result.time);
    }
  }

  /** A market's fills and merged depth diff of the batch, one message each. */
  publish(pipeline: ChainableCommander, symbol: string, { trades, depth }: MarketBatch): void {
    if (trades.length > 0)
      pipeline.publish(this.keys.marketChannel('trades', symbol), publicTradesJson(trades));
    if (depth === undefined) return;
    const market = requireMarket(this.engine.registry, symbol);
    const levels = (side: Map<number, number>) =>
      [...side].map(([price, quantity]): [string, string] => [
        formatOnGrid(price, market.tick),
        formatOnGrid(quantity, market.step),
      ]);
    const diff: DepthDiff = {
      firstUpdateId: depth.firstUpdateId,
      lastUpdateId: depth.lastUpdateId,
      seq: depth.seq,
      time: depth.time,
      bids: levels(depth.bids),
      asks: levels(depth.asks),
    };
    pipeline.publish(this.keys.marketChannel('depth', symbol), JSON.stringify(diff));
  }

  /** Ticker and book ticker of every market whose publication is due, after the batch. */
  publishTickers(pipeline: ChainableCommander, touched: Touched, seq: number, time: number): void {
    for (const [symbol, state] of this.markets.entries()) {
      const batch = touched.markets.get(symbol);
      const minute = Math.floor(time / MINUTE_MS);
      const ticker =
        (batch?.trades.length ?? 0) > 0 || (minute !== state.tickerMinute && state.tickerCount > 0);
      if (ticker || batch?.depth !== undefined) {
        this.writeTickers(pipeline, symbol, seq, time, { publish: true, ticker });
      }
    }
  }

  /**
   * Queues a market's book ticker and, with `ticker`, its ticker. With `publish`, each
   * is written and published by one script call, the book ticker only when its best
   * bid or ask moved since the last publication; else both are only written.
   */
  writeTickers(
    pipeline: ChainableCommander,
    symbol: string,
    seq: number,
    time: number,
    { publish, ticker }: { readonly publish: boolean; readonly ticker: boolean },
  ): void {
    const state = this.markets.of(symbol);
    const market = requireMarket(this.engine.registry, symbol);
    const write = (key: string, channel: string, json: string) => {
      if (publish) (pipeline as ChainableCommander & SetAndPublish).setAndPublish(key, channel, json);
      else pipeline.set(key, json);
    };
    const depth = this.engine.depth(symbol, 1);
    if (depth !== undefined) {
      const bookTicker = formatBookTicker(market, depth, seq);
      const top = `${bookTicker.bidPrice}|${bookTicker.bidQty}|${bookTicker.askPrice}|${bookTicker.askQty}`;
      if (top !== state.top || !publish) {
        state.top = top;
        write(
          this.keys.bookTicker(symbol),
          this.keys.marketChannel('bookTicker', symbol),
          bookTickerJson(bookTicker),
        );
      }
    }
    if (!ticker) return;
    const minute = Math.floor(time / MINUTE_MS);
    const stats = state.ticker.stats(time);
    state.tickerMinute = minute;
    state.tickerCount = stats.count;
    const json = tickerJson(formatTicker(market, stats, seq));
    write(this.keys.ticker(symbol), this.keys.marketChannel('ticker', symbol), json);
  }
}
