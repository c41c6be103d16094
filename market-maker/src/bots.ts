/**
 * All the bots, wired: one quoter per market (each its own account) and one taker.
 * `startBots` resolves once every bot has its account and funds; `stop()` ends them.
 *
 * The bots outlast the exchange's outages: their client retries with backoff for as
 * long as the API is unreachable or answers 5xx, logging the outage once, and they
 * carry on where they were when it answers again. Their accounts live in the state
 * file, so a restarted process resumes with the same accounts and open orders.
 */

import { mulberry32 } from '@exchange/protocol';
import { botAccount, fund } from './accounts.js';
import { ExchangeClient } from './client.js';
import type { BotsConfig } from './config.js';
import { type BotMarket, loadMarkets, lotsForNotional, ticksOf } from './market.js';
import { Quoter } from './quoter.js';
import { Taker } from './taker.js';

/** Funds a bot keeps, per asset: one on-ramp credit each (the on-ramp's per-credit maximum). */
export const FUNDING: Readonly<Record<string, string>> = {
  USDC: '1000000',
  SOL: '10000',
  BTC: '100',
  ETH: '1000',
};

export interface RunningBots {
  /** Quoted markets, Binance symbols. */
  readonly markets: readonly string[];
  stop(): Promise<void>;
}

export async function startBots(config: BotsConfig, log: (line: string) => void): Promise<RunningBots> {
  const stop = new AbortController();
  const client = new ExchangeClient({
    baseUrl: config.apiUrl,
    attempts: Number.POSITIVE_INFINITY,
    log,
    signal: stop.signal,
  });
  const listed = await loadMarkets(client);
  const chosen = (config.markets ?? [...listed.keys()]).map((symbol) => {
    const market = listed.get(symbol);
    if (market === undefined) throw new Error(`MM_MARKETS: ${symbol} is not listed`);
    return market;
  });
  const assets = new Set(chosen.flatMap((m) => [m.baseAsset, m.quoteAsset]));
  const targets = Object.fromEntries(Object.entries(FUNDING).filter(([asset]) => assets.has(asset)));

  const running: Promise<void>[] = [];
  const random = mulberry32(config.seed);
  for (const market of chosen) {
    const credentials = await botAccount(client, config.apiUrl, `quoter-${market.symbol}`, config.stateFile);
    await fund(client, credentials, targets);
    const start = config.startPrices[market.symbol] ?? '100';
    const quantityLots = lotsForNotional(market, config.levelNotional, ticksOf(market, start));
    const quoter = new Quoter(
      client,
      {
        market,
        credentials,
        startPrice: start,
        ladder: {
          spreadTicks: config.spreadTicks,
          stepTicks: config.stepTicks,
          levels: config.levels,
          quantityLots,
          growthLots: Math.floor(quantityLots * config.levelGrowth),
        },
        maxStepTicks: config.maxStepTicks,
        refreshMs: config.refreshMs,
      },
      mulberry32(Math.floor(random() * 2 ** 31)),
      log,
    );
    running.push(quoter.run(stop.signal));
    log(`quoting ${market.symbol} as ${credentials.accountId}`);
  }
  if (config.takerOrdersPerMinute > 0 && chosen.length > 0) {
    const credentials = await botAccount(client, config.apiUrl, 'taker', config.stateFile);
    await fund(client, credentials, targets);
    const sizes = (market: BotMarket) =>
      lotsForNotional(
        market,
        config.takerNotional,
        ticksOf(market, config.startPrices[market.symbol] ?? '100'),
      );
    const minLots = Math.min(...chosen.map(sizes));
    const taker = new Taker(
      client,
      {
        markets: chosen,
        credentials,
        ordersPerMinute: config.takerOrdersPerMinute,
        minLots: Math.max(1, Math.floor(minLots / 2)),
        maxLots: minLots,
      },
      mulberry32(Math.floor(random() * 2 ** 31)),
      log,
    );
    running.push(taker.run(stop.signal));
    log(`taking in ${chosen.map((m) => m.symbol).join(', ')} as ${credentials.accountId}`);
  }
  return {
    markets: chosen.map((m) => m.symbol),
    async stop() {
      stop.abort();
      await Promise.all(running);
    },
  };
}
