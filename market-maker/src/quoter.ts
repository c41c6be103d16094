/**
 * The quoting bot of one market: keeps a ladder of bids and asks around a reference
 * price that follows a random walk, re-quoting through the API every `refreshMs`:
 * cancel what no longer fits, then place what is missing. On start it reads its open
 * orders back from the exchange (a restart resumes rather than duplicates).
 */

import type { Random } from '@exchange/protocol';
import { ApiRejection, type Credentials, type ExchangeClient } from './client.js';
import { diffQuotes, type LadderConfig, ladder, type Quote, type RestingQuote } from './ladder.js';
import { type BotMarket, lotsOf, priceText, quantityText, ticksOf } from './market.js';
import { stepWalk, type WalkBounds } from './random-walk.js';

export interface QuoterConfig {
  readonly market: BotMarket;
  readonly credentials: Credentials;
  /** Where the walk starts when the market has no last price. */
  readonly startPrice: string;
  readonly ladder: LadderConfig;
  /** Largest move of the reference per refresh, in ticks. */
  readonly maxStepTicks: number;
  readonly refreshMs: number;
}

interface BinanceOrder {
  readonly orderId: number;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly origQty: string;
  readonly executedQty: string;
}

export class Quoter {
  private reference: number | undefined;
  private readonly bounds: WalkBounds;

  constructor(
    private readonly client: ExchangeClient,
    private readonly config: QuoterConfig,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {
    const start = ticksOf(config.market, config.startPrice);
    this.bounds = {
      maxStepTicks: config.maxStepTicks,
      floorTicks: Math.max(config.ladder.spreadTicks, Math.floor(start / 2)),
      ceilingTicks: start * 2,
    };
  }

  /** One re-quote: walk, diff against the open orders, cancel, place. */
  async refresh(): Promise<void> {
    const { market, credentials } = this.config;
    this.reference =
      this.reference === undefined
        ? await this.startingPrice()
        : stepWalk(this.reference, this.bounds, this.random);
    const open = (await this.client.signed(credentials, 'GET', '/api/v3/openOrders', {
      symbol: market.symbol,
    })) as BinanceOrder[];
    const resting: RestingQuote[] = open.map((o) => ({
      orderId: o.orderId,
      side: o.side,
      priceTicks: ticksOf(market, o.price),
      quantityLots: lotsOf(market, o.origQty),
      openLots: lotsOf(market, o.origQty) - lotsOf(market, o.executedQty),
    }));
    const { cancel, place } = diffQuotes(resting, ladder(this.reference, this.config.ladder));
    for (const order of cancel) await this.cancel(order.orderId);
    for (const quote of place) await this.place(quote);
  }

  /** Runs {@link refresh} every `refreshMs` until `signal` aborts; errors are logged and retried. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.refresh();
      } catch (error) {
        if (signal.aborted) return;
        this.log(
          `quoter ${this.config.market.symbol}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      await sleep(this.config.refreshMs, signal);
    }
  }

  private async startingPrice(): Promise<number> {
    const { market } = this.config;
    const ticker = (await this.client.public('GET', '/api/v3/ticker/price', { symbol: market.symbol })) as {
      price?: string;
    };
    const last = ticker.price !== undefined ? ticksOf(market, ticker.price) : 0;
    return last > 0 ? last : ticksOf(market, this.config.startPrice);
  }

  private async cancel(orderId: number): Promise<void> {
    try {
      await this.client.signed(this.config.credentials, 'DELETE', '/api/v3/order', {
        symbol: this.config.market.symbol,
        orderId,
      });
    } catch (error) {
      // Filled or cancelled meanwhile: nothing to do.
      if (!(error instanceof ApiRejection)) throw error;
    }
  }

  private async place(quote: Quote): Promise<void> {
    const { market, credentials } = this.config;
    try {
      await this.client.signed(credentials, 'POST', '/api/v3/order', {
        symbol: market.symbol,
        side: quote.side,
        type: 'LIMIT_MAKER',
        price: priceText(market, quote.priceTicks),
        quantity: quantityText(market, quote.quantityLots),
        // One id per ladder slot: a retried send is refused as a duplicate, never doubled.
        newClientOrderId: `mm${quote.side[0]}${quote.priceTicks}`,
        newOrderRespType: 'ACK',
      });
    } catch (error) {
      // Would take (the book moved), duplicate slot, or out of funds: next refresh re-plans.
      if (!(error instanceof ApiRejection)) throw error;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
