/**
 * The mixed workloads as raw draws from a seeded PRNG, before any book is consulted.
 * Which order a cancel targets depends on what rests at that moment, so cancels carry
 * only their uniform draw here; `resolution.ts` turns the stream into concrete commands.
 */
import { mulberry32, type Random, uniformInt } from '@exchange/protocol';

/** What an op does. Numbers, so resolved workloads fit in typed arrays. */
export const OpKind = { LIMIT: 0, CANCEL: 1, MARKET: 2 } as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/** Shares of each op kind; the rest (5%) are market orders. */
export const LIMIT_SHARE = 0.7;
export const CANCEL_SHARE = 0.25;

/** Mid price in ticks: start, and the band it is reflected into. */
export const MID_START = 10_000;
export const MID_MIN = 9_800;
export const MID_MAX = 10_200;
/** A limit order's price is mid ± up to this many ticks. */
export const PRICE_SPREAD = 50;
/** Quantities in lots: limit orders 1..100, market orders 1..50. */
export const LIMIT_LOTS_MAX = 100;
export const MARKET_LOTS_MAX = 50;

/** Prefill prices: outside the band any limit order can reach (9750–10250). */
export const PREFILL_BIDS = [9_000, 9_749] as const;
export const PREFILL_ASKS = [10_251, 11_000] as const;

export interface WorkloadSpec {
  readonly name: string;
  /** Seed of the op stream; both workloads share it, so their op draws are identical. */
  readonly seed: number;
  /** Resting orders placed before the ops, never cancelled. */
  readonly prefill: number;
  /** Seed of the prefill orders, separate so the op stream does not depend on them. */
  readonly prefillSeed: number;
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  { name: 'mixed-1M', seed: 42, prefill: 0, prefillSeed: 43 },
  { name: 'mixed-1M-prefill', seed: 42, prefill: 100_000, prefillSeed: 43 },
];

/** One op as drawn. `pick` is only meaningful for a cancel; price only for a limit order. */
export interface RawOp {
  readonly kind: OpKind;
  readonly isBuy: boolean;
  /** Ticks; 0 for cancels and market orders. */
  readonly price: number;
  /** Lots; 0 for cancels. */
  readonly quantity: number;
  /** Uniform in [0, 1): which resting order a cancel hits, as a fraction of the count. */
  readonly pick: number;
  /** The mid after this op's move. */
  readonly mid: number;
}

/** A resting order placed before the ops. */
export interface PrefillOrder {
  readonly isBuy: boolean;
  readonly price: number;
  readonly quantity: number;
}

/** Keeps a mid inside [MID_MIN, MID_MAX] by mirroring any step that crosses an edge. */
export function reflectMid(mid: number): number {
  if (mid > MID_MAX) return 2 * MID_MAX - mid;
  if (mid < MID_MIN) return 2 * MID_MIN - mid;
  return mid;
}

/**
 * An endless, deterministic op stream. Draw order per op (fixed, so the stream can be
 * reproduced elsewhere): kind, mid step, then side/price/quantity for a limit order,
 * one pick for a cancel, side/quantity for a market order.
 *
 * @example
 * const stream = new OpStream(42);
 * const first = stream.next();
 */
export class OpStream {
  private readonly rand: Random;
  private mid = MID_START;

  constructor(seed: number) {
    this.rand = mulberry32(seed);
  }

  next(): RawOp {
    const rand = this.rand;
    const u = rand();
    const kind =
      u < LIMIT_SHARE ? OpKind.LIMIT : u < LIMIT_SHARE + CANCEL_SHARE ? OpKind.CANCEL : OpKind.MARKET;
    this.mid = reflectMid(this.mid + uniformInt(rand, -1, 1));
    const mid = this.mid;
    if (kind === OpKind.LIMIT) {
      const isBuy = rand() < 0.5;
      const price = mid + uniformInt(rand, -PRICE_SPREAD, PRICE_SPREAD);
      return { kind, isBuy, price, quantity: uniformInt(rand, 1, LIMIT_LOTS_MAX), pick: 0, mid };
    }
    if (kind === OpKind.CANCEL) return { kind, isBuy: false, price: 0, quantity: 0, pick: rand(), mid };
    const isBuy = rand() < 0.5;
    return { kind, isBuy, price: 0, quantity: uniformInt(rand, 1, MARKET_LOTS_MAX), pick: 0, mid };
  }
}

/** The first `count` ops of the stream seeded with `seed`. */
export function generateOps(count: number, seed: number): RawOp[] {
  const stream = new OpStream(seed);
  return Array.from({ length: count }, () => stream.next());
}

/**
 * Resting orders for the prefill: bids and asks alternately, prices uniform over
 * {@link PREFILL_BIDS} / {@link PREFILL_ASKS}, 1–100 lots. None can cross, and no limit
 * order of the op stream can reach them.
 */
export function generatePrefill(count: number, seed: number): PrefillOrder[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, (_, i): PrefillOrder => {
    const isBuy = i % 2 === 0;
    const [lo, hi] = isBuy ? PREFILL_BIDS : PREFILL_ASKS;
    return { isBuy, price: uniformInt(rand, lo, hi), quantity: uniformInt(rand, 1, LIMIT_LOTS_MAX) };
  });
}
