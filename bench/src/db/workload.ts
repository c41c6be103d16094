/**
 * The processor benchmark's input: a busy order flow run through the real engine
 * core — makers quoting both sides around a drifting mid, takers sweeping a few
 * levels with market orders, cancels, deposits — and its events packed into
 * `events.fifo` messages by the engine service's own `eventsMessagesOf`, then into
 * Lambda SQS records in batches of ten, exactly as the processor receives them.
 *
 * The engine core's own output rate is timed on the way: the core executing the
 * commands and packing their events into messages at full speed.
 */
import { Engine } from '@exchange/engine-service/core';
import { eventsMessagesOf, type JournaledCommand } from '@exchange/engine-service/runtime';
import {
  createMarketRegistry,
  formatUnits,
  isRejection,
  mulberry32,
  toEngineCommand,
} from '@exchange/protocol';
import type { SQSRecord } from 'aws-lambda';

export interface ProcessorWorkload {
  readonly batches: SQSRecord[][];
  /** Seconds the engine core took to produce every record (commands executed and packed). */
  readonly engineSeconds: number;
  readonly commands: number;
  readonly messages: number;
  readonly trades: number;
  readonly events: number;
}

const MARKETS = [
  { symbol: 'SOL_USDC', mid: 10_000 },
  { symbol: 'ETH_USDC', mid: 300_000 },
] as const;

/** Commands until the engine has made at least `trades` trades. */
export function processorWorkload(trades: number, seed = 42): ProcessorWorkload {
  const registry = createMarketRegistry();
  const engine = new Engine(registry);
  const random = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const accounts = Array.from({ length: 500 }, (_, i) => `bench-${i}`);
  const journaled: JournaledCommand[] = [];
  const mids: number[] = MARKETS.map((m) => m.mid);
  let seq = 0;
  let time = Date.UTC(2025, 0, 1);
  let made = 0;
  let engineMs = 0;
  const send = (wire: Record<string, unknown>): void => {
    const command = toEngineCommand({ requestId: `r-${seq + 1}`, ...wire }, registry);
    if (isRejection(command)) return;
    seq += 1;
    time += int(0, 40);
    const started = performance.now();
    const result = engine.execute(command, seq, time);
    engineMs += performance.now() - started;
    made += result.events.filter((e) => e.type === 'TRADE').length;
    journaled.push({ requestId: `r-${seq}`, accountId: String(wire.accountId), result });
  };
  for (const accountId of accounts) {
    send({ type: 'DEPOSIT', accountId, asset: 'USDC', amount: '100000000' });
    send({ type: 'DEPOSIT', accountId, asset: 'SOL', amount: '1000000' });
    send({ type: 'DEPOSIT', accountId, asset: 'ETH', amount: '30000' });
  }
  while (made < trades) {
    const i = int(0, MARKETS.length - 1);
    const spec = MARKETS[i] as (typeof MARKETS)[number];
    const market = registry.market(spec.symbol);
    if (market === undefined) throw new Error(spec.symbol);
    const accountId = accounts[int(0, accounts.length - 1)] as string;
    const mid = (mids[i] as number) + int(-1, 1);
    mids[i] = mid;
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    const roll = random();
    if (roll < 0.7) {
      const ticks = side === 'BUY' ? mid - int(0, 8) : mid + int(1, 9);
      send({
        type: 'CREATE_ORDER',
        accountId,
        market: spec.symbol,
        side,
        orderType: 'LIMIT',
        price: formatUnits(ticks * market.tick.mantissa, market.tick.decimals),
        quantity: formatUnits(int(100, 2_000) * market.step.mantissa, market.step.decimals),
      });
    } else if (roll < 0.9) {
      send({
        type: 'CREATE_ORDER',
        accountId,
        market: spec.symbol,
        side,
        orderType: 'MARKET',
        quantity: formatUnits(int(2_000, 8_000) * market.step.mantissa, market.step.decimals),
      });
    } else {
      const open = engine.openOrders(accountId, spec.symbol);
      const order = open[int(0, Math.max(0, open.length - 1))];
      if (order !== undefined) {
        send({ type: 'CANCEL_ORDER', accountId, market: spec.symbol, orderId: order.orderId });
      }
    }
  }
  const packing = performance.now();
  const messages = eventsMessagesOf(journaled, registry);
  const packingMs = performance.now() - packing;
  const records = messages.map(
    (m, index): SQSRecord => ({
      messageId: `m-${index}`,
      receiptHandle: `h-${index}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(time),
        SenderId: 'engine',
        ApproximateFirstReceiveTimestamp: String(time),
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.deduplicationId,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events.fifo',
      awsRegion: 'us-east-1',
    }),
  );
  const batches: SQSRecord[][] = [];
  for (let b = 0; b < records.length; b += 10) batches.push(records.slice(b, b + 10));
  const events = journaled.reduce((n, j) => n + j.result.events.filter((e) => e.type !== 'DEPTH').length, 0);
  return {
    batches,
    engineSeconds: (engineMs + packingMs) / 1_000,
    commands: journaled.length,
    messages: messages.length,
    trades: made,
    events,
  };
}
