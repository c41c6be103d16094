/**
 * A seeded stream of wire commands shaped like a day on the exchange: a few thousand
 * accounts deposit, place limit orders around a drifting mid price in three markets,
 * cancel (some orders already gone), send market orders, cancel all, withdraw, and
 * now and then send something the protocol refuses. Cancels pick from the orders
 * the replies say are resting, so they hit real orders.
 */
import type { Reply } from '@exchange/protocol';
import { mulberry32, type Random } from '@exchange/protocol';

interface MarketShape {
  readonly symbol: string;
  readonly base: string;
  /** Mid price in ticks, and the tick and step decimals. */
  mid: number;
  readonly tickDecimals: number;
  readonly stepDecimals: number;
  /** Typical order size in steps. */
  readonly typicalSteps: number;
  readonly weight: number;
}

interface Resting {
  readonly orderId: number;
  readonly accountId: string;
  readonly market: string;
}

export interface JournalWorkloadOptions {
  readonly accounts: number;
  /** Above this many tracked resting orders, cancels become more frequent. */
  readonly restingTarget: number;
  readonly seed: number;
}

export class JournalWorkload {
  private readonly rand: Random;
  private readonly markets: MarketShape[];
  private readonly resting: Resting[] = [];
  private issued = 0;

  constructor(private readonly options: JournalWorkloadOptions) {
    this.rand = mulberry32(options.seed);
    this.markets = [
      {
        symbol: 'SOL_USDC',
        base: 'SOL',
        mid: 15_000,
        tickDecimals: 2,
        stepDecimals: 3,
        typicalSteps: 2_000,
        weight: 0.6,
      },
      {
        symbol: 'BTC_USDC',
        base: 'BTC',
        mid: 650_000,
        tickDecimals: 1,
        stepDecimals: 5,
        typicalSteps: 2_000,
        weight: 0.25,
      },
      {
        symbol: 'ETH_USDC',
        base: 'ETH',
        mid: 320_000,
        tickDecimals: 2,
        stepDecimals: 4,
        typicalSteps: 5_000,
        weight: 0.15,
      },
    ];
  }

  /** How many orders the replies so far left resting (as far as the workload knows). */
  get restingCount(): number {
    return this.resting.length;
  }

  /** The next wire command. */
  next(): unknown {
    const i = this.issued++;
    const requestId = `rq-${i}`;
    const accounts = this.options.accounts;
    // Every account is funded first: quote, then each base asset.
    if (i < accounts * 4) {
      const accountId = `acct-${i % accounts}`;
      const asset = ['USDC', 'SOL', 'BTC', 'ETH'][Math.floor(i / accounts)] as string;
      return { type: 'DEPOSIT', requestId, accountId, asset, amount: FUNDING[asset] };
    }
    const accountId = `acct-${Math.floor(this.rand() * accounts)}`;
    const market = this.pickMarket();
    // A slow random walk: the mid moves one tick on one command in twenty.
    if (this.rand() < 0.05) market.mid = Math.max(1_000, market.mid + (this.rand() < 0.5 ? -1 : 1));
    const side = this.rand() < 0.5 ? 'BUY' : 'SELL';
    const cancelShare = this.resting.length > this.options.restingTarget ? 0.5 : 0.25;
    const r = this.rand();
    if (r < 0.04) {
      return {
        type: 'DEPOSIT',
        requestId,
        accountId,
        asset: this.rand() < 0.5 ? 'USDC' : market.base,
        amount: '10',
      };
    }
    if (r < 0.04 + cancelShare && this.resting.length > 0) {
      const k = Math.floor(this.rand() * this.resting.length);
      const victim = this.resting[k] as Resting;
      this.resting[k] = this.resting[this.resting.length - 1] as Resting;
      this.resting.pop();
      return {
        type: 'CANCEL_ORDER',
        requestId,
        accountId: victim.accountId,
        market: victim.market,
        orderId: victim.orderId,
      };
    }
    if (r < 0.9) {
      // Mostly near the mid, some far out; buys above / sells below the mid cross and fill.
      const spread = this.rand() < 0.8 ? 40 : 800;
      const offset = Math.round((this.rand() - 0.35) * spread);
      const ticks = Math.max(1, side === 'BUY' ? market.mid - offset : market.mid + offset);
      const steps = 1 + Math.floor(this.rand() * market.typicalSteps);
      return {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: market.symbol,
        side,
        orderType: 'LIMIT',
        price: decimal(ticks, market.tickDecimals),
        quantity: decimal(steps, market.stepDecimals),
        ...(this.rand() < 0.05 ? { timeInForce: 'IOC' } : {}),
      };
    }
    if (r < 0.96) {
      const steps = 1 + Math.floor(this.rand() * market.typicalSteps);
      return side === 'BUY'
        ? {
            type: 'CREATE_ORDER',
            requestId,
            accountId,
            market: market.symbol,
            side,
            orderType: 'MARKET',
            quoteQuantity: '500',
          }
        : {
            type: 'CREATE_ORDER',
            requestId,
            accountId,
            market: market.symbol,
            side,
            orderType: 'MARKET',
            quantity: decimal(steps, market.stepDecimals),
          };
    }
    if (r < 0.97) return { type: 'CANCEL_ALL', requestId, accountId, market: market.symbol };
    if (r < 0.99) return { type: 'WITHDRAW', requestId, accountId, asset: 'USDC', amount: '25' };
    // Off the tick grid: refused by the protocol, journaled as not applied.
    return {
      type: 'CREATE_ORDER',
      requestId,
      accountId,
      market: market.symbol,
      side,
      orderType: 'LIMIT',
      price: `${decimal(market.mid, market.tickDecimals)}5`,
      quantity: decimal(1, market.stepDecimals),
    };
  }

  /** Learns from a reply which order (the command's own) now rests. */
  observe(seq: number, reply: Reply, market: string | undefined): void {
    if (!reply.ok || market === undefined) return;
    for (const order of reply.orders) {
      if (order.orderId === seq && (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED')) {
        this.resting.push({ orderId: seq, accountId: order.accountId, market });
      }
    }
  }

  private pickMarket(): MarketShape {
    let r = this.rand();
    for (const m of this.markets) {
      r -= m.weight;
      if (r < 0) return m;
    }
    return this.markets[0] as MarketShape;
  }
}

const FUNDING: Record<string, string> = { USDC: '5000000', SOL: '30000', BTC: '80', ETH: '1500' };

/** `units` of `10^-decimals`, as a decimal string. */
function decimal(units: number, decimals: number): string {
  const s = String(units).padStart(decimals + 1, '0');
  return `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}
