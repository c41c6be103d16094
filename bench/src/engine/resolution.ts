/**
 * Resolution: turns a workload's raw op stream into one concrete command list that
 * every engine then runs identically — including which order each cancel hits. It runs
 * the stream once through our engine, untimed, and learns from its events which orders
 * rest, fill or end.
 */
import type { EngineEvent } from '@exchange/protocol';
import { accountPool, fundingCommands, POOL_SIZE } from './accounts.js';
import { MARKET } from './market.js';
import { allocateOpList, type OpList, setOp } from './op-list.js';
import { BENCH_TIME, type EngineSetup, engineCommand, expectAccepted, setUpEngine } from './our-engine.js';
import { RestingSet } from './resting-set.js';
import { generatePrefill, OpKind, OpStream, type WorkloadSpec } from './workload.js';

/** What the resolution pass saw, for the report and for sanity checks. */
export interface ResolutionStats {
  readonly limits: number;
  readonly cancels: number;
  readonly markets: number;
  /** Cancels drawn while nothing (non-prefill) rested: dropped and redrawn. */
  readonly redrawnCancels: number;
  readonly trades: number;
  /** Market orders that found too little liquidity and ended EXPIRED (NO_LIQUIDITY). */
  readonly marketsExpired: number;
  /** Non-prefill orders resting after the last op. */
  readonly restingAtEnd: number;
  readonly maxResting: number;
}

/** A workload resolved into concrete commands, shared verbatim by every engine. */
export interface ResolvedWorkload extends EngineSetup {
  readonly name: string;
  readonly ops: OpList;
  readonly stats: ResolutionStats;
}

/**
 * Resolves the first `opCount` ops of `spec`.
 *
 * Accounts: buys and sells come round robin from disjoint pools. A cancel picks
 * `floor(pick × count)` among the non-prefill orders resting at that moment, and names
 * its owner. A cancel drawn when none rests is redrawn — the stream moves on and the
 * draw is not counted, so there are always exactly `opCount` ops. That is not rare:
 * limit prices straddle the mid, so most orders cross and the book empties about once
 * every 500 ops.
 *
 * @throws Error if our engine rejects anything, or a prefill order does not rest
 */
export function resolveWorkload(spec: WorkloadSpec, opCount: number, poolSize = POOL_SIZE): ResolvedWorkload {
  const buyers = accountPool(true, poolSize);
  const sellers = accountPool(false, poolSize);
  const funding = fundingCommands(buyers, sellers);
  const turns = { buy: 0, sell: 0 };
  const nextAccount = (isBuy: boolean): number => (isBuy ? turns.buy++ : turns.sell++) % poolSize;

  const prefill = allocateOpList(spec.prefill, funding.length + 1);
  generatePrefill(spec.prefill, spec.prefillSeed).forEach((order, i) => {
    const id = prefill.firstSeq + i;
    setOp(prefill, i, { kind: OpKind.LIMIT, ...order, orderId: id, account: nextAccount(order.isBuy) });
  });
  const ops = allocateOpList(opCount, prefill.firstSeq + prefill.length);
  const setup: EngineSetup = { buyers, sellers, funding, prefill };

  const engine = setUpEngine(setup);
  // A prefill order that traded would mean the prefill crosses: every lot must rest.
  const depth = engine.depth(MARKET, Number.POSITIVE_INFINITY);
  const restingLots = [...(depth?.bids ?? []), ...(depth?.asks ?? [])].reduce(
    (sum, level) => sum + level[1],
    0,
  );
  const prefillLots = prefill.quantity.reduce((sum, lots) => sum + lots, 0);
  if (restingLots !== prefillLots)
    throw new Error(`prefill: ${prefillLots} lots placed, ${restingLots} rest`);

  const resting = new RestingSet();
  const stream = new OpStream(spec.seed);
  const counts = {
    limits: 0,
    cancels: 0,
    markets: 0,
    redrawnCancels: 0,
    trades: 0,
    marketsExpired: 0,
    maxResting: 0,
  };
  for (let i = 0; i < opCount; ) {
    const raw = stream.next();
    const seq = ops.firstSeq + i;
    if (raw.kind === OpKind.CANCEL) {
      if (resting.size === 0) {
        counts.redrawnCancels++;
        continue;
      }
      const target = resting.at(Math.floor(raw.pick * resting.size));
      setOp(ops, i, { ...raw, isBuy: target.isBuy, orderId: target.id, account: target.owner });
      counts.cancels++;
    } else {
      const orderId = raw.kind === OpKind.LIMIT ? seq : 0;
      setOp(ops, i, { ...raw, orderId, account: nextAccount(raw.isBuy) });
      if (raw.kind === OpKind.LIMIT) counts.limits++;
      else counts.markets++;
    }
    const { events } = expectAccepted(engine.execute(engineCommand(ops, i, setup), seq, BENCH_TIME));
    counts.trades += track(events, seq, raw.kind, ops.account[i] as number, raw.isBuy, resting);
    if (
      raw.kind === OpKind.MARKET &&
      events.some((e) => e.type === 'ORDER' && e.orderId === seq && e.status === 'EXPIRED')
    ) {
      counts.marketsExpired++;
    }
    if (resting.size > counts.maxResting) counts.maxResting = resting.size;
    i++;
  }
  return { name: spec.name, ...setup, ops, stats: { ...counts, restingAtEnd: resting.size } };
}

/**
 * Updates the resting set from one command's events; returns its trade count. A new
 * limit order rests when its own final `ORDER` event says NEW or PARTIALLY_FILLED; any
 * order that ends (FILLED, CANCELED, EXPIRED) leaves. Prefill orders are never in the set.
 */
function track(
  events: readonly EngineEvent[],
  seq: number,
  kind: OpKind,
  account: number,
  isBuy: boolean,
  resting: RestingSet,
): number {
  let trades = 0;
  for (const event of events) {
    if (event.type === 'TRADE') trades++;
    if (event.type !== 'ORDER') continue;
    if (event.status === 'FILLED' || event.status === 'CANCELED' || event.status === 'EXPIRED') {
      resting.delete(event.orderId);
    } else if (event.orderId === seq && kind === OpKind.LIMIT) {
      resting.add(seq, account, isBuy);
    }
  }
  return trades;
}
