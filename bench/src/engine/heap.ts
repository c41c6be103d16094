/**
 * Heap cost of a full book: how much live heap `count` resting orders take in each
 * engine. Needs `--expose-gc`, so the process must be started for it.
 */

import { Engine } from '@exchange/engine-service/core';
import type { EngineCreateOrder } from '@exchange/protocol';
import { OrderBook, Side } from 'nodejs-order-book';
import { accountPool, fundingCommands } from './accounts.js';
import { benchRegistry, MARKET } from './market.js';
import { BENCH_TIME, expectAccepted } from './our-engine.js';

/** Accounts per side: many, as in production, so per-account structures are counted too. */
const HEAP_POOL_SIZE = 500;
/** Price levels per side: bids 9000–9999, asks 10001–11000, so nothing crosses. */
const LEVELS_PER_SIDE = 1000;
const BYTES_PER_MB = 1_000_000;

export type HeapTarget = 'ours' | 'peer';

export interface HeapResult {
  readonly target: HeapTarget;
  readonly orders: number;
  /** Live heap after placing the orders minus before, in MB (10^6 bytes). */
  readonly heapMb: number;
  readonly beforeMb: number;
  readonly afterMb: number;
}

/** The i-th resting order: sides alternate, prices cycle over the levels, 1–97 lots. */
function restingOrder(i: number): { isBuy: boolean; price: number; quantity: number; account: number } {
  const isBuy = i % 2 === 0;
  const k = i >> 1;
  const level = k % LEVELS_PER_SIDE;
  return {
    isBuy,
    price: isBuy ? 9_999 - level : 10_001 + level,
    quantity: 1 + (k % 97),
    account: k % HEAP_POOL_SIZE,
  };
}

function collect(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('heap measurement needs node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Our engine with funded accounts and `count` resting orders. */
function fillOurs(engine: Engine, count: number, seq0: number): void {
  const buyers = accountPool(true, HEAP_POOL_SIZE);
  const sellers = accountPool(false, HEAP_POOL_SIZE);
  for (let i = 0; i < count; i++) {
    const o = restingOrder(i);
    const command: EngineCreateOrder = {
      type: 'CREATE_ORDER',
      accountId: (o.isBuy ? buyers : sellers)[o.account] as string,
      market: MARKET,
      side: o.isBuy ? 'BUY' : 'SELL',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      postOnly: false,
      price: o.price,
      quantity: o.quantity,
      quoteQuantity: 0,
      clientOrderId: null,
      selfTradePrevention: 'EXPIRE_MAKER',
    };
    const { events } = expectAccepted(engine.execute(command, seq0 + i, BENCH_TIME));
    if (events.some((e) => e.type === 'TRADE')) throw new Error(`heap: order ${i} traded`);
  }
}

function fillPeer(book: OrderBook, count: number): void {
  for (let i = 0; i < count; i++) {
    const o = restingOrder(i);
    const side = o.isBuy ? Side.BUY : Side.SELL;
    const result = book.limit({ id: String(i + 1), side, size: o.quantity, price: o.price });
    if (result.err !== null || result.done.length > 0) throw new Error(`heap: peer order ${i} did not rest`);
  }
}

/**
 * Measures the live heap that `count` resting orders add to a fresh, funded book:
 * full GC, heapUsed, place the orders (results dropped at once), full GC, heapUsed.
 */
export function measureRestingHeap(target: HeapTarget, count: number): HeapResult {
  let engine: Engine | undefined;
  let book: OrderBook | undefined;
  let seq = 0;
  if (target === 'ours') {
    engine = new Engine(benchRegistry());
    const funding = fundingCommands(accountPool(true, HEAP_POOL_SIZE), accountPool(false, HEAP_POOL_SIZE));
    for (const deposit of funding) expectAccepted(engine.execute(deposit, ++seq, BENCH_TIME));
  } else {
    book = new OrderBook();
  }
  const before = collect();
  if (engine !== undefined) fillOurs(engine, count, seq + 1);
  if (book !== undefined) fillPeer(book, count);
  const after = collect();
  // Read both books after the measurement so neither is collectable before it.
  const levels = engine?.depth(MARKET, Number.POSITIVE_INFINITY)?.bids.length ?? book?.depth()[1].length ?? 0;
  if (levels !== Math.min(LEVELS_PER_SIDE, Math.ceil(count / 2)))
    throw new Error(`heap: ${levels} bid levels`);
  return {
    target,
    orders: count,
    heapMb: (after - before) / BYTES_PER_MB,
    beforeMb: before / BYTES_PER_MB,
    afterMb: after / BYTES_PER_MB,
  };
}
