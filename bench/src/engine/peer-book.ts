/**
 * The reference peer, nodejs-order-book: a price-time order book with no balances, fees
 * or events. It gets the same resolved ops, as its own pre-built arguments, with our
 * order ids as its string ids.
 */
import type { Level } from '@exchange/protocol';
import { type LimitOrderOptions, type MarketOrderOptions, OrderBook, Side } from 'nodejs-order-book';
import type { OpList } from './op-list.js';
import type { EngineSetup } from './our-engine.js';
import type { ResolvedWorkload } from './resolution.js';
import type { Depth, Runner } from './runner.js';
import { OpKind } from './workload.js';

type PeerArgs = LimitOrderOptions | MarketOrderOptions | string;

/** Op `i` as the peer's call argument: limit options, market options, or the id to cancel. */
function peerArgs(ops: OpList, i: number): PeerArgs {
  const kind = ops.kind[i];
  if (kind === OpKind.CANCEL) return String(ops.orderId[i]);
  const side = ops.isBuy[i] === 1 ? Side.BUY : Side.SELL;
  const size = ops.quantity[i] as number;
  if (kind === OpKind.MARKET) return { side, size };
  return { id: String(ops.orderId[i]), side, size, price: ops.price[i] as number };
}

/** A fresh peer book holding the prefill. Funding does not apply: the peer has no balances. */
export function setUpPeer(setup: EngineSetup): OrderBook {
  const book = new OrderBook();
  for (let i = 0; i < setup.prefill.length; i++) {
    const result = book.limit(peerArgs(setup.prefill, i) as LimitOrderOptions);
    if (result.err !== null || result.done.length > 0)
      throw new Error(`peer: prefill order ${i} did not rest`);
  }
  return book;
}

class PeerRunner implements Runner {
  failures = 0;
  private readonly book: OrderBook;
  private readonly kinds: Uint8Array;
  private readonly args: PeerArgs[];

  constructor(workload: ResolvedWorkload, opCount: number) {
    this.book = setUpPeer(workload);
    this.kinds = workload.ops.kind;
    this.args = Array.from({ length: opCount }, (_, i) => peerArgs(workload.ops, i));
  }

  run(from: number, to: number): number {
    const { book, kinds, args } = this;
    let touched = 0;
    let failed = 0;
    for (let i = from; i < to; i++) {
      const kind = kinds[i];
      if (kind === OpKind.CANCEL) {
        if (book.cancel(args[i] as string) === undefined) failed++;
        else touched++;
      } else {
        const result =
          kind === OpKind.LIMIT
            ? book.limit(args[i] as LimitOrderOptions)
            : book.market(args[i] as MarketOrderOptions);
        touched += result.done.length;
        if (result.err !== null) failed++;
      }
    }
    this.failures += failed;
    return touched;
  }

  runTimingEach(from: number, to: number, nanos: Float64Array): number {
    const { book, kinds, args } = this;
    let touched = 0;
    let failed = 0;
    for (let i = from; i < to; i++) {
      const kind = kinds[i];
      const arg = args[i] as PeerArgs;
      const start = process.hrtime.bigint();
      if (kind === OpKind.CANCEL) {
        const result = book.cancel(arg as string);
        nanos[i - from] = Number(process.hrtime.bigint() - start);
        if (result === undefined) failed++;
        else touched++;
      } else {
        const result =
          kind === OpKind.LIMIT
            ? book.limit(arg as LimitOrderOptions)
            : book.market(arg as MarketOrderOptions);
        nanos[i - from] = Number(process.hrtime.bigint() - start);
        touched += result.done.length;
        if (result.err !== null) failed++;
      }
    }
    this.failures += failed;
    return touched;
  }

  /** Sorted best first, like ours, whatever order the peer lists its levels in. */
  depth(): Depth {
    const [asks, bids] = this.book.depth();
    const sorted = (levels: [number, number][], descending: boolean): Level[] =>
      levels
        .map(([price, lots]): Level => [price, lots])
        .sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
    return { bids: sorted(bids, true), asks: sorted(asks, false) };
  }
}

/** The peer book, set up for the first `opCount` ops of `workload`. */
export function createPeerRunner(workload: ResolvedWorkload, opCount: number): Runner {
  return new PeerRunner(workload, opCount);
}
