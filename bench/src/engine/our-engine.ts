/**
 * Our engine core as a bench target: the real `Engine.execute`, with balances, fees and
 * every event, on pre-built `EngineCommand` objects.
 */

import { Engine } from '@exchange/engine-service/core';
import {
  type EngineCommand,
  type EngineDeposit,
  type ExecutionResult,
  hasLimitPrice,
  isConditional,
  type OrderType,
} from '@exchange/protocol';
import { benchRegistry, MARKET, QUOTE_PER_TICK_LOT } from './market.js';
import type { OpList } from './op-list.js';
import type { ResolvedWorkload } from './resolution.js';
import type { Depth, Runner } from './runner.js';
import { OpKind } from './workload.js';

/** Every command carries this time: the core needs a caller-stamped time, never a clock read. */
export const BENCH_TIME = 1_700_000_000_000;

/** The accounts a workload trades with, by side. */
export interface AccountPools {
  readonly buyers: readonly string[];
  readonly sellers: readonly string[];
}

/** What a book holds before the ops: funded accounts and the prefill. */
export interface EngineSetup extends AccountPools {
  /** Deposits, at sequences 1…funding.length. */
  readonly funding: readonly EngineDeposit[];
  /** Resting orders placed before the ops (limit orders only). */
  readonly prefill: OpList;
}

/** The engine's order type of each order-placing op kind. */
const ORDER_TYPE: Readonly<Record<number, OrderType>> = {
  [OpKind.LIMIT]: 'LIMIT',
  [OpKind.MARKET]: 'MARKET',
  [OpKind.STOP_LOSS]: 'STOP_LOSS',
  [OpKind.STOP_LOSS_LIMIT]: 'STOP_LOSS_LIMIT',
  [OpKind.TAKE_PROFIT]: 'TAKE_PROFIT',
  [OpKind.TAKE_PROFIT_LIMIT]: 'TAKE_PROFIT_LIMIT',
};

/**
 * Op `i` of a list as our engine's command. A market-type stop buy is sized by quote
 * (its lots at its stop price): sized by lots it would lock all the buyer's quote while
 * it waits, as the engine documents, and starve the buyer's other orders.
 */
export function engineCommand(ops: OpList, i: number, pools: AccountPools): EngineCommand {
  const isBuy = ops.isBuy[i] === 1;
  const accountId = (isBuy ? pools.buyers : pools.sellers)[ops.account[i] as number] as string;
  const kind = ops.kind[i] as number;
  const orderId = ops.orderId[i] as number;
  if (kind === OpKind.CANCEL) {
    return { type: 'CANCEL_ORDER', accountId, market: MARKET, orderId, clientOrderId: null };
  }
  if (kind === OpKind.AMEND) {
    return {
      type: 'AMEND_ORDER',
      accountId,
      market: MARKET,
      orderId,
      clientOrderId: null,
      quantity: ops.quantity[i] as number,
      newClientOrderId: null,
    };
  }
  const orderType = ORDER_TYPE[kind];
  if (orderType === undefined) throw new Error(`op ${i}: unknown kind ${kind}`);
  const priced = hasLimitPrice(orderType);
  const side = isBuy ? 'BUY' : 'SELL';
  const price = priced ? (ops.price[i] as number) : 0;
  const timeInForce = priced ? 'GTC' : 'IOC';
  if (!isConditional(orderType)) {
    return {
      type: 'CREATE_ORDER',
      accountId,
      market: MARKET,
      side,
      orderType,
      timeInForce,
      postOnly: false,
      price,
      quantity: ops.quantity[i] as number,
      quoteQuantity: 0,
      clientOrderId: null,
      selfTradePrevention: 'EXPIRE_MAKER',
    };
  }
  const stopPrice = ops.stopPrice[i] as number;
  const lots = ops.quantity[i] as number;
  const byQuote = isBuy && !priced;
  return {
    type: 'CREATE_ORDER',
    accountId,
    market: MARKET,
    side,
    orderType,
    timeInForce,
    postOnly: false,
    price,
    quantity: byQuote ? 0 : lots,
    quoteQuantity: byQuote ? stopPrice * lots * QUOTE_PER_TICK_LOT : 0,
    clientOrderId: null,
    selfTradePrevention: 'EXPIRE_MAKER',
    stopPrice,
    trailingDelta: 0,
  };
}

/** Throws unless the engine accepted the command: the bench must never measure rejections. */
export function expectAccepted(result: ExecutionResult): ExecutionResult {
  if (result.code !== null) throw new Error(`engine rejected seq ${result.seq}: ${result.code}`);
  return result;
}

/** A fresh engine with the workload's deposits and prefill applied (all checked accepted). */
export function setUpEngine(workload: EngineSetup): Engine {
  const engine = new Engine(benchRegistry());
  let seq = 0;
  for (const deposit of workload.funding) expectAccepted(engine.execute(deposit, ++seq, BENCH_TIME));
  const prefill = workload.prefill;
  for (let i = 0; i < prefill.length; i++) {
    expectAccepted(engine.execute(engineCommand(prefill, i, workload), prefill.firstSeq + i, BENCH_TIME));
  }
  return engine;
}

class OurRunner implements Runner {
  failures = 0;
  private readonly engine: Engine;
  private readonly commands: EngineCommand[];
  private readonly firstSeq: number;

  constructor(workload: ResolvedWorkload, opCount: number) {
    this.engine = setUpEngine(workload);
    this.commands = Array.from({ length: opCount }, (_, i) => engineCommand(workload.ops, i, workload));
    this.firstSeq = workload.ops.firstSeq;
  }

  run(from: number, to: number): number {
    const { engine, commands, firstSeq } = this;
    let events = 0;
    let rejected = 0;
    for (let i = from; i < to; i++) {
      const result = engine.execute(commands[i] as EngineCommand, firstSeq + i, BENCH_TIME);
      events += result.events.length;
      if (result.code !== null) rejected++;
    }
    this.failures += rejected;
    return events;
  }

  runTimingEach(from: number, to: number, nanos: Float64Array): number {
    const { engine, commands, firstSeq } = this;
    let events = 0;
    let rejected = 0;
    for (let i = from; i < to; i++) {
      const command = commands[i] as EngineCommand;
      const start = process.hrtime.bigint();
      const result = engine.execute(command, firstSeq + i, BENCH_TIME);
      nanos[i - from] = Number(process.hrtime.bigint() - start);
      events += result.events.length;
      if (result.code !== null) rejected++;
    }
    this.failures += rejected;
    return events;
  }

  depth(): Depth {
    const view = this.engine.depth(MARKET, Number.POSITIVE_INFINITY);
    if (view === undefined) throw new Error(`no market ${MARKET}`);
    return { bids: view.bids, asks: view.asks };
  }
}

/** Our engine, set up for the first `opCount` ops of `workload`. */
export function createOurRunner(workload: ResolvedWorkload, opCount: number): Runner {
  return new OurRunner(workload, opCount);
}
