/**
 * The crash test's load: wire commands from many accounts, planned up front from a
 * seed so a failing run can be repeated. Every account deposits first (its message
 * group keeps its order), then limit and market orders, cancels and small
 * withdrawals follow, interleaved across accounts. Some commands are sent a second
 * time later with another deduplication id — a client retrying — which the engine
 * must answer from the journal, never apply.
 */
import { type MarketRegistry, mulberry32, newRequestId } from '@exchange/protocol';

/** One message for `orders.fifo`. */
export interface PlannedMessage {
  readonly requestId: string;
  readonly accountId: string;
  readonly deduplicationId: string;
  readonly body: string;
  /** A client's second send of a request id already planned. */
  readonly retry: boolean;
}

export interface Load {
  /** In send order. */
  readonly messages: readonly PlannedMessage[];
  /** Every distinct request id, each once. */
  readonly requestIds: readonly string[];
  /** Per asset symbol, the minor units deposited (what the supply must be: nothing is settled). */
  readonly deposited: ReadonlyMap<string, bigint>;
  readonly retries: number;
}

export interface LoadOptions {
  readonly seed: number;
  readonly accounts: number;
  /** Distinct commands, deposits included. */
  readonly commands: number;
  /** Chance that a command is sent again later with another deduplication id. */
  readonly retryRate: number;
  readonly registry: MarketRegistry;
}

const DEPOSITS: readonly (readonly [asset: string, amount: string])[] = [
  ['USDC', '250000'],
  ['SOL', '2000'],
  ['ETH', '100'],
  ['BTC', '5'],
];

/** Per market: mid price, price decimals, quantity range (in whole lots of `step`). */
const MARKETS = [
  { symbol: 'SOL_USDC', mid: 100, priceDecimals: 2, step: 0.001, minLots: 20, maxLots: 3_000 },
  { symbol: 'ETH_USDC', mid: 2_000, priceDecimals: 2, step: 0.0001, minLots: 10, maxLots: 5_000 },
  { symbol: 'BTC_USDC', mid: 50_000, priceDecimals: 1, step: 0.00001, minLots: 5, maxLots: 2_000 },
] as const;

function decimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

export function planLoad(options: LoadOptions): Load {
  const random = mulberry32(options.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const accounts = Array.from({ length: options.accounts }, (_, i) => `acct-${String(i).padStart(3, '0')}`);
  const deposited = new Map<string, bigint>();
  const scale = new Map(options.registry.assets.map((a) => [a.symbol, 10n ** BigInt(a.decimals)]));
  const commands: { requestId: string; accountId: string; wire: Record<string, unknown> }[] = [];
  // Made as the edge makes them, so a retry after the engine's restart takes the journal lookup.
  const nextId = (): string => newRequestId();

  for (const accountId of accounts) {
    for (const [asset, amount] of DEPOSITS) {
      const requestId = nextId();
      commands.push({ requestId, accountId, wire: { type: 'DEPOSIT', requestId, accountId, asset, amount } });
      deposited.set(asset, (deposited.get(asset) ?? 0n) + BigInt(amount) * (scale.get(asset) as bigint));
    }
  }

  /** Client order ids each account has used per market, to cancel some of them. */
  const clientOrders = new Map<string, { market: string; clientOrderId: string }[]>();
  let clientCounter = 0;
  while (commands.length < options.commands) {
    const accountId = pick(accounts);
    const requestId = nextId();
    const market = pick(MARKETS);
    const roll = random();
    const mine = clientOrders.get(accountId) ?? [];
    let wire: Record<string, unknown>;
    if (roll < 0.62) {
      // A limit order around the mid: some cross and trade, most rest.
      const side = random() < 0.5 ? 'BUY' : 'SELL';
      const offset = (random() * 0.04 - 0.015) * market.mid * (side === 'BUY' ? -1 : 1);
      const price = (market.mid + offset).toFixed(market.priceDecimals);
      const quantity = (int(market.minLots, market.maxLots) * market.step).toFixed(decimals(market.step));
      const clientOrderId = `c${(clientCounter++).toString(36)}`;
      const tif = random();
      wire = {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: market.symbol,
        side,
        orderType: 'LIMIT',
        price,
        quantity,
        clientOrderId,
        ...(tif < 0.08 ? { timeInForce: 'IOC' } : tif < 0.12 ? { timeInForce: 'FOK' } : {}),
        ...(tif > 0.95 ? { postOnly: true } : {}),
      };
      mine.push({ market: market.symbol, clientOrderId });
      clientOrders.set(accountId, mine);
    } else if (roll < 0.74) {
      const side = random() < 0.5 ? 'BUY' : 'SELL';
      const quantity = (int(market.minLots, market.maxLots) * market.step).toFixed(decimals(market.step));
      wire = {
        type: 'CREATE_ORDER',
        requestId,
        accountId,
        market: market.symbol,
        side,
        orderType: 'MARKET',
        ...(side === 'BUY' && random() < 0.5 ? { quoteQuantity: String(int(5, 2_000)) } : { quantity }),
      };
    } else if (roll < 0.95 && mine.length > 0) {
      const { market: m, clientOrderId } = pick(mine);
      wire = { type: 'CANCEL_ORDER', requestId, accountId, market: m, clientOrderId };
    } else if (roll < 0.98) {
      wire = { type: 'CANCEL_ALL', requestId, accountId, market: market.symbol };
    } else {
      const [asset] = pick(DEPOSITS);
      wire = { type: 'WITHDRAW', requestId, accountId, asset, amount: String(int(1, 3)) };
    }
    commands.push({ requestId, accountId, wire });
  }

  // Send order: deposits first, then the rest; retries land 1–200 messages after their original.
  const messages: (PlannedMessage | undefined)[] = [];
  const later = new Map<number, PlannedMessage[]>();
  let retries = 0;
  commands.forEach(({ requestId, accountId, wire }, i) => {
    const body = JSON.stringify(wire);
    messages.push({ requestId, accountId, deduplicationId: requestId, body, retry: false });
    if (random() < options.retryRate) {
      const at = i + int(1, 200);
      const list = later.get(at) ?? [];
      list.push({ requestId, accountId, deduplicationId: `${requestId}.retry`, body, retry: true });
      later.set(at, list);
      retries++;
    }
    for (const retry of later.get(i) ?? []) messages.push(retry);
  });
  for (const [at, list] of later) if (at >= commands.length) messages.push(...list);

  return {
    messages: messages.filter((m): m is PlannedMessage => m !== undefined),
    requestIds: commands.map((c) => c.requestId),
    deposited,
    retries,
  };
}
