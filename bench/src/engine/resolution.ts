/**
 * Resolution: turns a workload's raw op stream into one concrete command list that
 * every engine then runs identically — including which order each cancel or amend hits
 * and each stop's trigger price. It runs the stream once through our engine, untimed,
 * and learns from its events which orders rest, wait, fire, fill or end, and the last
 * trade price.
 */
import type { EngineEvent } from '@exchange/protocol';
import { accountPool, fundingCommands, POOL_SIZE } from './accounts.js';
import { MARKET } from './market.js';
import { allocateOpList, type OpList, setOp } from './op-list.js';
import { BENCH_TIME, type EngineSetup, engineCommand, expectAccepted, setUpEngine } from './our-engine.js';
import { RestingSet } from './resting-set.js';
import { generatePrefill, isStopKind, OpKind, OpStream, type WorkloadSpec } from './workload.js';

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
  /** Stop and take-profit orders placed. */
  readonly stops: number;
  /** Stops whose trigger fired: they started working in some later op's command. */
  readonly stopsFired: number;
  /** Stops still waiting after the last op. */
  readonly waitingAtEnd: number;
  readonly maxWaiting: number;
  readonly amends: number;
  /** Amends drawn while nothing rested, or on an order with one lot left to fill: redrawn. */
  readonly redrawnAmends: number;
}

/** A workload resolved into concrete commands, shared verbatim by every engine. */
export interface ResolvedWorkload extends EngineSetup {
  readonly name: string;
  readonly ops: OpList;
  readonly stats: ResolutionStats;
}

/** Who placed a waiting stop, to rest it under its owner once it fires. */
interface Waiting {
  readonly owner: number;
  readonly isBuy: boolean;
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
 * An amend picks its target the same way and reduces it to `filled + 1 +
 * floor(keep × (remaining − 1))` lots, always a reduction the engine accepts; it is
 * redrawn when nothing rests or the target has one lot left. A stop's trigger price is
 * the last trade price (the mid before the first trade) plus its drawn offset, so it
 * waits: on the side the price must move to, never firing at once.
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

  const orders: Tracked = { resting: new RestingSet(), waiting: new Map(), lastPrice: 0 };
  const stream = new OpStream(spec.seed, spec.mix);
  const counts = {
    limits: 0,
    cancels: 0,
    markets: 0,
    redrawnCancels: 0,
    trades: 0,
    marketsExpired: 0,
    maxResting: 0,
    stops: 0,
    stopsFired: 0,
    maxWaiting: 0,
    amends: 0,
    redrawnAmends: 0,
  };
  const { resting } = orders;
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
    } else if (raw.kind === OpKind.AMEND) {
      const target = resting.size === 0 ? undefined : resting.at(Math.floor(raw.pick * resting.size));
      const order = target === undefined ? undefined : engine.order(target.id);
      if (target === undefined || order === undefined) {
        counts.redrawnAmends++;
        continue;
      }
      const room = order.quantity - order.filledQuantity - 1;
      if (room < 1) {
        counts.redrawnAmends++;
        continue;
      }
      const quantity = order.filledQuantity + 1 + Math.floor(raw.keep * room);
      setOp(ops, i, { ...raw, isBuy: target.isBuy, quantity, orderId: target.id, account: target.owner });
      counts.amends++;
    } else if (isStopKind(raw.kind)) {
      const stopPrice = (orders.lastPrice === 0 ? raw.mid : orders.lastPrice) + raw.stopOffset;
      const price =
        raw.kind === OpKind.STOP_LOSS_LIMIT || raw.kind === OpKind.TAKE_PROFIT_LIMIT
          ? stopPrice + raw.limitOffset
          : 0;
      setOp(ops, i, { ...raw, price, stopPrice, orderId: seq, account: nextAccount(raw.isBuy) });
      counts.stops++;
    } else {
      const orderId = raw.kind === OpKind.LIMIT ? seq : 0;
      setOp(ops, i, { ...raw, orderId, account: nextAccount(raw.isBuy) });
      if (raw.kind === OpKind.LIMIT) counts.limits++;
      else counts.markets++;
    }
    const { events } = expectAccepted(engine.execute(engineCommand(ops, i, setup), seq, BENCH_TIME));
    const seen = track(events, seq, raw.kind, ops.account[i] as number, raw.isBuy, orders);
    counts.trades += seen.trades;
    counts.stopsFired += seen.fired;
    if (
      raw.kind === OpKind.MARKET &&
      events.some((e) => e.type === 'ORDER' && e.orderId === seq && e.status === 'EXPIRED')
    ) {
      counts.marketsExpired++;
    }
    if (resting.size > counts.maxResting) counts.maxResting = resting.size;
    if (orders.waiting.size > counts.maxWaiting) counts.maxWaiting = orders.waiting.size;
    i++;
  }
  return {
    name: spec.name,
    ...setup,
    ops,
    stats: { ...counts, restingAtEnd: resting.size, waitingAtEnd: orders.waiting.size },
  };
}

/** The non-prefill orders the resolution follows, and the market's last trade price. */
interface Tracked {
  readonly resting: RestingSet;
  readonly waiting: Map<number, Waiting>;
  lastPrice: number;
}

/**
 * Updates the tracked orders from one command's events; returns its trades and the stops
 * that fired in it. A new limit order rests when its own final `ORDER` event says NEW or
 * PARTIALLY_FILLED; a new stop waits (`workingTime` −1) until an event shows it working,
 * then rests unless that command ends it; any order that ends (FILLED, CANCELED, EXPIRED)
 * leaves. Prefill orders are never tracked.
 */
function track(
  events: readonly EngineEvent[],
  seq: number,
  kind: OpKind,
  account: number,
  isBuy: boolean,
  orders: Tracked,
): { trades: number; fired: number } {
  const { resting, waiting } = orders;
  let trades = 0;
  let fired = 0;
  for (const event of events) {
    if (event.type === 'TRADE') {
      trades++;
      orders.lastPrice = event.price;
    }
    if (event.type !== 'ORDER') continue;
    const id = event.orderId;
    const ended = event.status === 'FILLED' || event.status === 'CANCELED' || event.status === 'EXPIRED';
    if (event.workingTime === -1) {
      if (ended) waiting.delete(id);
      else if (id === seq) waiting.set(id, { owner: account, isBuy });
      continue;
    }
    const stop = waiting.get(id);
    if (stop !== undefined) {
      waiting.delete(id);
      fired++;
      if (!ended) resting.add(id, stop.owner, stop.isBuy);
    } else if (ended) {
      resting.delete(id);
    } else if (id === seq && kind === OpKind.LIMIT && !resting.has(id)) {
      resting.add(id, account, isBuy);
    }
  }
  return { trades, fired };
}
