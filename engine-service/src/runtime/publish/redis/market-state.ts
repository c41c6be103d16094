import type { Market, MarketRegistry } from '@exchange/protocol';
import { RollingTicker } from '../ticker.js';

/** A side's levels as last written to `depth:{market}`: price → quantity, in ticks and lots. */
export type WrittenLevels = Map<number, number>;

/** What was last published for a market's ticker and book ticker, and written of its depth. */
export interface MarketState {
  readonly ticker: RollingTicker;
  /** Minute of the last ticker publication, and whether its window held trades. */
  tickerMinute: number;
  tickerCount: number;
  /** Best bid and ask last published on `md:bookTicker@{market}`. */
  top: string;
  readonly levels: { readonly bids: WrittenLevels; readonly asks: WrittenLevels };
}

/**
 * The publisher's memory per market, shared by the read models (depth levels written)
 * and the market data (tickers). A market enters when its trades are first counted or
 * its depth first written, and the tickers are considered in that order.
 */
export class MarketStates {
  private readonly states = new Map<string, MarketState>();

  /** The markets entered so far, in the order they entered. */
  symbols(): IterableIterator<string> {
    return this.states.keys();
  }

  entries(): IterableIterator<[string, MarketState]> {
    return this.states.entries();
  }

  /** A market's state, entered fresh when it has none. */
  of(symbol: string): MarketState {
    let state = this.states.get(symbol);
    if (state === undefined) {
      state = {
        ticker: new RollingTicker(),
        tickerMinute: Number.NaN,
        tickerCount: 0,
        top: '',
        levels: { bids: new Map(), asks: new Map() },
      };
      this.states.set(symbol, state);
    }
    return state;
  }
}

/** The registry's market `symbol`. @throws when the registry has none (an event of an unknown market is a bug) */
export function requireMarket(registry: MarketRegistry, symbol: string): Market {
  const market = registry.market(symbol);
  if (market === undefined) throw new Error(`event for unknown market ${symbol}`);
  return market;
}
