import type { OpKind } from './workload.js';

/**
 * A concrete, resolved command list as parallel typed arrays: compact (a million ops
 * in ~20 MB) and cheap to hand to each engine's own command builder before timing.
 */
export interface OpList {
  readonly length: number;
  /** Sequence of op 0; op `i` runs at `firstSeq + i` (our engine's order id). */
  readonly firstSeq: number;
  readonly kind: Uint8Array;
  /** 1 for buy, 0 for sell; for a cancel or an amend, the side of the order it targets. */
  readonly isBuy: Uint8Array;
  /** Ticks; 0 unless a limit order or a `…_LIMIT` stop. */
  readonly price: Int32Array;
  /** Lots; 0 for a cancel; an amend's new quantity (the order's new total). */
  readonly quantity: Int32Array;
  /** Ticks; a stop's trigger price, else 0. */
  readonly stopPrice: Int32Array;
  /** An order's own id (its sequence); a cancel's or an amend's target; 0 for a market order. */
  readonly orderId: Int32Array;
  /** Index into the side's account pool: who places the order, or owns the target. */
  readonly account: Uint16Array;
}

/** An empty list of `length` ops starting at sequence `firstSeq`. */
export function allocateOpList(length: number, firstSeq: number): OpList {
  return {
    length,
    firstSeq,
    kind: new Uint8Array(length),
    isBuy: new Uint8Array(length),
    price: new Int32Array(length),
    quantity: new Int32Array(length),
    stopPrice: new Int32Array(length),
    orderId: new Int32Array(length),
    account: new Uint16Array(length),
  };
}

/** One op's fields, for filling a list. */
export interface OpFields {
  readonly kind: OpKind;
  readonly isBuy: boolean;
  readonly price: number;
  readonly quantity: number;
  /** 0 when not given. */
  readonly stopPrice?: number;
  readonly orderId: number;
  readonly account: number;
}

/** Writes op `i`. */
export function setOp(list: OpList, i: number, op: OpFields): void {
  list.kind[i] = op.kind;
  list.isBuy[i] = op.isBuy ? 1 : 0;
  list.price[i] = op.price;
  list.quantity[i] = op.quantity;
  list.stopPrice[i] = op.stopPrice ?? 0;
  list.orderId[i] = op.orderId;
  list.account[i] = op.account;
}
