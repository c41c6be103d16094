/**
 * The taker bot: trades against the book at `ordersPerMinute`, market orders of a
 * random side and a size between `minLots` and `maxLots`, so prices, tickers, trades
 * and charts move. It never sends an order its balance cannot pay for knowingly; the
 * exchange refuses the rest (-2010), which it logs and moves past.
 */

import { type Random, uniformInt } from '@exchange/protocol';
import { ApiRejection, type Credentials, type ExchangeClient } from './client.js';
import { type BotMarket, quantityText } from './market.js';
import { sleep } from './quoter.js';

export interface TakerConfig {
  readonly markets: readonly BotMarket[];
  readonly credentials: Credentials;
  readonly ordersPerMinute: number;
  readonly minLots: number;
  readonly maxLots: number;
}

export class Taker {
  constructor(
    private readonly client: ExchangeClient,
    private readonly config: TakerConfig,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {}

  /** Sends one market order. */
  async trade(): Promise<void> {
    const { markets, credentials, minLots, maxLots } = this.config;
    const market = markets[uniformInt(this.random, 0, markets.length - 1)] as BotMarket;
    const side = this.random() < 0.5 ? 'BUY' : 'SELL';
    try {
      await this.client.signed(credentials, 'POST', '/api/v3/order', {
        symbol: market.symbol,
        side,
        type: 'MARKET',
        quantity: quantityText(market, uniformInt(this.random, minLots, maxLots)),
        newOrderRespType: 'ACK',
      });
    } catch (error) {
      if (!(error instanceof ApiRejection)) throw error;
      this.log(`taker ${market.symbol} ${side}: ${JSON.stringify(error.body)}`);
    }
  }

  /** Trades until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const gapMs = 60_000 / this.config.ordersPerMinute;
    while (!signal.aborted) {
      try {
        await this.trade();
      } catch (error) {
        if (signal.aborted) return;
        this.log(`taker: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(gapMs * (0.5 + this.random()), signal);
    }
  }
}
