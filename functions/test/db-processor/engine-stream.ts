/**
 * Real engine events for the DB-processor and history tests: a seeded random order
 * stream run through the engine core, its events packed into `events.fifo` messages
 * by the engine service's own `eventsMessagesOf`, exactly as the publisher sends them.
 */
import { Engine, FEE_ACCOUNT_ID } from '@exchange/engine-service/core';
import {
  type EventsMessage,
  eventsMessagesOf,
  type JournaledCommand,
} from '@exchange/engine-service/runtime';
import {
  createMarketRegistry,
  type Event,
  formatUnits,
  isRejection,
  type MarketRegistry,
  mulberry32,
  type TradeEvent,
  toEngineCommand,
  toWireEvents,
} from '@exchange/protocol';
import type { SQSRecord } from 'aws-lambda';

/** Commands per journal batch of the stream. */
const JOURNAL_BATCH = 10;

export interface EngineStreamOptions {
  readonly seed: number;
  /** Commands after the initial deposits. */
  readonly commands: number;
  readonly accounts?: number;
  /** Time of the first command (ms). Default Friday 2024-01-05 22:00 UTC, so weeks turn. */
  readonly startTime?: number;
  /** Largest gap between two commands (ms); gaps are random, sometimes 0. Default 5 min. */
  readonly maxGapMs?: number;
  /** Split commands' events into messages of at most this many bytes. Default 65,536. */
  readonly maxMessageBytes?: number;
}

export interface EngineStream {
  readonly registry: MarketRegistry;
  readonly engine: Engine;
  readonly accounts: readonly string[];
  readonly journaled: readonly JournaledCommand[];
  /** What the publisher would send to `events.fifo`, in order. */
  readonly messages: readonly EventsMessage[];
  /** Every persisted wire event, in engine order. */
  readonly events: readonly Event[];
  readonly trades: readonly TradeEvent[];
  readonly lastTime: number;
}

const MARKETS = [
  { symbol: 'SOL_USDC', mid: 10_000, ticks: 40, lots: [10, 3_000] },
  { symbol: 'BTC_USDC', mid: 600_000, ticks: 60, lots: [50, 3_000] },
  { symbol: 'ETH_USDC', mid: 300_000, ticks: 40, lots: [10, 1_500] },
] as const;

/**
 * Runs the stream.
 * @example const stream = engineStream({ seed: 7, commands: 2_000 });
 */
export function engineStream(options: EngineStreamOptions): EngineStream {
  const registry = createMarketRegistry();
  const engine = new Engine(registry);
  const random = mulberry32(options.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const accounts = Array.from({ length: options.accounts ?? 12 }, (_, i) => `acct-${i + 1}`);
  const journaled: JournaledCommand[] = [];
  const pending: { accountId: string; withdrawalId: number }[] = [];
  let seq = 0;
  let time = options.startTime ?? Date.UTC(2024, 0, 5, 22, 0);
  const maxGap = options.maxGapMs ?? 300_000;

  const send = (wire: Record<string, unknown>): void => {
    const command = toEngineCommand({ requestId: `r-${seq + 1}`, ...wire }, registry);
    if (isRejection(command)) return;
    seq += 1;
    if (random() < 0.8) time += int(0, maxGap);
    const result = engine.execute(command, seq, time);
    journaled.push({ requestId: `r-${seq}`, accountId: String(wire.accountId), result });
    if (result.code === null && command.type === 'WITHDRAW') {
      pending.push({ accountId: command.accountId, withdrawalId: seq });
    }
  };

  for (const accountId of accounts) {
    send({ type: 'DEPOSIT', accountId, asset: 'USDC', amount: '2000000' });
    send({ type: 'DEPOSIT', accountId, asset: 'SOL', amount: '20000' });
    send({ type: 'DEPOSIT', accountId, asset: 'BTC', amount: '300' });
    send({ type: 'DEPOSIT', accountId, asset: 'ETH', amount: '6000' });
  }
  for (let i = 0; i < options.commands; i++) {
    const accountId = pick(accounts);
    const spec = pick(MARKETS);
    const market = registry.market(spec.symbol);
    if (market === undefined) throw new Error(`no market ${spec.symbol}`);
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    const price = (): string =>
      formatUnits((spec.mid + int(-spec.ticks, spec.ticks)) * market.tick.mantissa, market.tick.decimals);
    const quantity = (): string =>
      formatUnits(int(spec.lots[0], spec.lots[1]) * market.step.mantissa, market.step.decimals);
    const roll = random();
    if (roll < 0.55) {
      const timeInForce = random() < 0.1 ? 'IOC' : random() < 0.05 ? 'FOK' : 'GTC';
      send({
        type: 'CREATE_ORDER',
        accountId,
        market: spec.symbol,
        side,
        orderType: 'LIMIT',
        price: price(),
        quantity: quantity(),
        timeInForce,
        ...(timeInForce === 'GTC' && random() < 0.1 ? { postOnly: true } : {}),
        ...(random() < 0.2 ? { clientOrderId: `c-${i}` } : {}),
      });
    } else if (roll < 0.7) {
      const size = random() < 0.5 ? { quantity: quantity() } : { quoteQuantity: String(int(5, 800)) };
      send({ type: 'CREATE_ORDER', accountId, market: spec.symbol, side, orderType: 'MARKET', ...size });
    } else if (roll < 0.85) {
      const open = engine.openOrders(accountId, spec.symbol);
      if (open.length > 0)
        send({ type: 'CANCEL_ORDER', accountId, market: spec.symbol, orderId: pick(open).orderId });
    } else if (roll < 0.88) {
      send({ type: 'CANCEL_ALL', accountId, market: spec.symbol });
    } else if (roll < 0.93) {
      send({
        type: 'DEPOSIT',
        accountId,
        asset: pick(['USDC', 'SOL', 'BTC', 'ETH']),
        amount: String(int(1, 5_000)),
      });
    } else if (roll < 0.97) {
      send({ type: 'WITHDRAW', accountId, asset: pick(['USDC', 'SOL']), amount: String(int(1, 500)) });
    } else if (pending.length > 0) {
      const w = pending.splice(Math.floor(random() * pending.length), 1)[0];
      if (w !== undefined) {
        send({ type: 'SETTLE_WITHDRAWAL', ...w, outcome: random() < 0.7 ? 'COMPLETED' : 'FAILED' });
      }
    }
  }
  // Packed as the engine packs its journal batches (here ten commands each)
  const messages: EventsMessage[] = [];
  for (let i = 0; i < journaled.length; i += JOURNAL_BATCH) {
    messages.push(
      ...eventsMessagesOf(journaled.slice(i, i + JOURNAL_BATCH), registry, options.maxMessageBytes),
    );
  }
  const events = journaled.flatMap((j) => toWireEvents(j.result, registry)).filter((e) => e.type !== 'DEPTH');
  const trades = events.filter((e): e is TradeEvent => e.type === 'TRADE');
  return { registry, engine, accounts, journaled, messages, events, trades, lastTime: time };
}

/** Every account of the stream and the fee account. */
export function accountsOf(stream: EngineStream): string[] {
  return [...stream.accounts, FEE_ACCOUNT_ID];
}

/** The engine's balances of every account and asset, as decimal strings keyed `account/asset`. */
export function engineBalances(stream: EngineStream): Map<string, { available: string; locked: string }> {
  const balances = new Map<string, { available: string; locked: string }>();
  for (const accountId of accountsOf(stream)) {
    for (const asset of stream.registry.assets) {
      const { available, locked } = stream.engine.balance(accountId, asset.symbol);
      if (available === 0 && locked === 0) continue;
      balances.set(`${accountId}/${asset.symbol}`, {
        available: formatUnits(available, asset.decimals),
        locked: formatUnits(locked, asset.decimals),
      });
    }
  }
  return balances;
}

/**
 * The messages as Lambda's SQS records, with ids `m-<index>`; `receiveCount` is the
 * `ApproximateReceiveCount` they claim.
 */
export function recordsOf(messages: readonly EventsMessage[], receiveCount = 1, first = 0): SQSRecord[] {
  return messages.map((m, i) => ({
    messageId: `m-${first + i}`,
    receiptHandle: `handle-${first + i}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'engine',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.deduplicationId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events.fifo',
    awsRegion: 'us-east-1',
  }));
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
