/**
 * The mixed workloads as raw draws from a seeded PRNG, before any book is consulted.
 * Which order a cancel or an amend targets depends on what rests at that moment, and a
 * stop's trigger price on the last trade price, so those carry only their draws here;
 * `resolution.ts` turns the stream into concrete commands.
 */
import { mulberry32, type Random, uniformInt } from '@exchange/protocol';

/**
 * What an op does. Numbers, so resolved workloads fit in typed arrays. The four stop
 * kinds are the engine's order types of the same names; `AMEND` reduces a resting
 * order's quantity keeping its priority.
 */
export const OpKind = {
  LIMIT: 0,
  CANCEL: 1,
  MARKET: 2,
  STOP_LOSS: 3,
  STOP_LOSS_LIMIT: 4,
  TAKE_PROFIT: 5,
  TAKE_PROFIT_LIMIT: 6,
  AMEND: 7,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/** Whether ops of `kind` wait for a trigger price. */
export function isStopKind(kind: number): boolean {
  return kind >= OpKind.STOP_LOSS && kind <= OpKind.TAKE_PROFIT_LIMIT;
}

/**
 * Whether a stop of `kind` fires when the last price rises to its stop price (else when
 * it falls to it), as Binance's: a stop-loss buy and a take-profit sell fire on a rise.
 */
export function firesOnRise(kind: OpKind, isBuy: boolean): boolean {
  const loss = kind === OpKind.STOP_LOSS || kind === OpKind.STOP_LOSS_LIMIT;
  return loss === isBuy;
}

/** Shares of each op kind in the plain workloads; the rest (5%) are market orders. */
export const LIMIT_SHARE = 0.7;
export const CANCEL_SHARE = 0.25;

/** Shares of each op kind in a stream; market orders take what the others leave. */
export interface OpMix {
  readonly limit: number;
  readonly cancel: number;
  readonly stop: number;
  readonly amend: number;
}

/** Limit orders, cancels and market orders only: what the peer book can run too. */
export const PLAIN_MIX: OpMix = { limit: LIMIT_SHARE, cancel: CANCEL_SHARE, stop: 0, amend: 0 };

/**
 * 10% stop orders and 5% amends, taken from the plain mix's limit orders and cancels
 * (another order placement, another touch of a resting order); 5% market orders as there.
 */
export const STOPS_MIX: OpMix = { limit: 0.6, cancel: 0.2, stop: 0.1, amend: 0.05 };

/** Mid price in ticks: start, and the band it is reflected into. */
export const MID_START = 10_000;
export const MID_MIN = 9_800;
export const MID_MAX = 10_200;
/** A limit order's price is mid ± up to this many ticks. */
export const PRICE_SPREAD = 50;
/** Quantities in lots: limit orders 1..100, market orders 1..50. */
export const LIMIT_LOTS_MAX = 100;
export const MARKET_LOTS_MAX = 50;

/** A stop's trigger price is the last trade price ± 1 to this many ticks. */
export const STOP_DISTANCE_MAX = 20;
/** A `…_LIMIT` stop's limit price lies 0 to this many ticks past its stop price, toward crossing. */
export const STOP_LIMIT_SLIP_MAX = 10;

/** Prefill prices: outside the band any limit order can reach (9750–10250). */
export const PREFILL_BIDS = [9_000, 9_749] as const;
export const PREFILL_ASKS = [10_251, 11_000] as const;

export interface WorkloadSpec {
  readonly name: string;
  readonly mix: OpMix;
  /** Seed of the op stream; workloads of one mix share it, so their op draws are identical. */
  readonly seed: number;
  /** Resting orders placed before the ops, never cancelled. */
  readonly prefill: number;
  /** Seed of the prefill orders, separate so the op stream does not depend on them. */
  readonly prefillSeed: number;
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  { name: 'mixed-1M', mix: PLAIN_MIX, seed: 42, prefill: 0, prefillSeed: 43 },
  { name: 'mixed-1M-prefill', mix: PLAIN_MIX, seed: 42, prefill: 100_000, prefillSeed: 43 },
  { name: 'mixed-stops-1M', mix: STOPS_MIX, seed: 42, prefill: 0, prefillSeed: 43 },
];

/** Whether the peer book can run a workload: it has no stop orders and no amend. */
export function peerCanRun(spec: WorkloadSpec): boolean {
  return spec.mix.stop === 0 && spec.mix.amend === 0;
}

/** One op as drawn. Fields an op's kind does not use are 0. */
export interface RawOp {
  readonly kind: OpKind;
  readonly isBuy: boolean;
  /** Ticks; only for a limit order (a `…_LIMIT` stop's price comes from its stop price). */
  readonly price: number;
  /** Lots; 0 for cancels and amends. */
  readonly quantity: number;
  /** Uniform in [0, 1): which resting order a cancel or an amend hits, as a fraction of the count. */
  readonly pick: number;
  /** Uniform in [0, 1): an amend's new quantity, as a fraction of how far it can reduce. */
  readonly keep: number;
  /** Stops: stop price − last trade price, in ticks; above (> 0) exactly when it fires on a rise. */
  readonly stopOffset: number;
  /** `…_LIMIT` stops: limit price − stop price, in ticks; a buy's at or above, a sell's at or below. */
  readonly limitOffset: number;
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

const NONE = { price: 0, quantity: 0, pick: 0, keep: 0, stopOffset: 0, limitOffset: 0 } as const;

/**
 * An endless, deterministic op stream. Draw order per op (fixed, so the stream can be
 * reproduced elsewhere): kind, mid step, then side/price/quantity for a limit order,
 * one pick for a cancel, side/quantity for a market order, side/direction/priced/
 * distance/(limit offset)/quantity for a stop, pick/keep for an amend. Kinds are
 * chosen in the order limit, cancel, stop, amend, market, so a mix without stops and
 * amends draws exactly the plain stream.
 *
 * @example
 * const stream = new OpStream(42, STOPS_MIX);
 * const first = stream.next();
 */
export class OpStream {
  private readonly rand: Random;
  private mid = MID_START;
  /** Upper bounds of each kind's share of [0, 1), cumulative. */
  private readonly limitBelow: number;
  private readonly cancelBelow: number;
  private readonly stopBelow: number;
  private readonly amendBelow: number;

  constructor(seed: number, mix: OpMix = PLAIN_MIX) {
    this.rand = mulberry32(seed);
    this.limitBelow = mix.limit;
    this.cancelBelow = mix.limit + mix.cancel;
    this.stopBelow = this.cancelBelow + mix.stop;
    this.amendBelow = this.stopBelow + mix.amend;
  }

  next(): RawOp {
    const rand = this.rand;
    const u = rand();
    this.mid = reflectMid(this.mid + uniformInt(rand, -1, 1));
    const mid = this.mid;
    if (u < this.limitBelow) {
      const isBuy = rand() < 0.5;
      const price = mid + uniformInt(rand, -PRICE_SPREAD, PRICE_SPREAD);
      const quantity = uniformInt(rand, 1, LIMIT_LOTS_MAX);
      return { ...NONE, kind: OpKind.LIMIT, isBuy, price, quantity, mid };
    }
    if (u < this.cancelBelow) return { ...NONE, kind: OpKind.CANCEL, isBuy: false, pick: rand(), mid };
    if (u < this.stopBelow) return this.stop(mid);
    if (u < this.amendBelow) {
      const pick = rand();
      return { ...NONE, kind: OpKind.AMEND, isBuy: false, pick, keep: rand(), mid };
    }
    const isBuy = rand() < 0.5;
    return { ...NONE, kind: OpKind.MARKET, isBuy, quantity: uniformInt(rand, 1, MARKET_LOTS_MAX), mid };
  }

  /** A stop or take-profit, half of them `…_LIMIT`, on either side of the last price. */
  private stop(mid: number): RawOp {
    const rand = this.rand;
    const isBuy = rand() < 0.5;
    const rises = rand() < 0.5;
    const priced = rand() < 0.5;
    const loss = rises === isBuy;
    const kind = loss
      ? priced
        ? OpKind.STOP_LOSS_LIMIT
        : OpKind.STOP_LOSS
      : priced
        ? OpKind.TAKE_PROFIT_LIMIT
        : OpKind.TAKE_PROFIT;
    const distance = uniformInt(rand, 1, STOP_DISTANCE_MAX);
    const slip = priced ? uniformInt(rand, 0, STOP_LIMIT_SLIP_MAX) : 0;
    const quantity = uniformInt(rand, 1, priced ? LIMIT_LOTS_MAX : MARKET_LOTS_MAX);
    return {
      ...NONE,
      kind,
      isBuy,
      quantity,
      stopOffset: rises ? distance : -distance,
      limitOffset: isBuy ? slip : -slip,
      mid,
    };
  }
}

/** The first `count` ops of the stream seeded with `seed`. */
export function generateOps(count: number, seed: number, mix: OpMix = PLAIN_MIX): RawOp[] {
  const stream = new OpStream(seed, mix);
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
