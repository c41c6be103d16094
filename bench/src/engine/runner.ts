import type { Level } from '@exchange/protocol';

/** Aggregated book levels, best price first, `[ticks, lots]`. */
export interface Depth {
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/**
 * One engine set up for one resolved workload: a fresh book with the workload's funding
 * and prefill applied, and its own command objects for the ops already built, so that
 * timing covers only the engine's work.
 */
export interface Runner {
  /**
   * Executes ops `[from, to)` in order. Returns a checksum of the results (e.g. events
   * counted) that the caller must use, so the work cannot be optimised away.
   */
  run(from: number, to: number): number;
  /** Like {@link Runner.run}, timing each op alone into `nanos[i - from]`. */
  runTimingEach(from: number, to: number, nanos: Float64Array): number;
  /** Ops that did not do what the resolved list says (rejections, missing cancels). Must stay 0. */
  readonly failures: number;
  depth(): Depth;
}

/** Builds a {@link Runner} for the first `opCount` ops of a workload. */
export type RunnerFactory<W> = (workload: W, opCount: number) => Runner;

/** Whether two books ended with the same aggregate levels, and the first place they differ. */
export interface DepthCheck {
  readonly agree: boolean;
  readonly bidLevels: number;
  readonly askLevels: number;
  readonly firstDifference: string | null;
}

/** Compares two depths level by level. */
export function compareDepth(ours: Depth, peer: Depth): DepthCheck {
  const difference = (side: 'bids' | 'asks'): string | null => {
    const a = ours[side];
    const b = peer[side];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x?.[0] !== y?.[0] || x?.[1] !== y?.[1]) {
        return `${side}[${i}]: ours ${JSON.stringify(x ?? null)}, peer ${JSON.stringify(y ?? null)}`;
      }
    }
    return null;
  };
  const firstDifference = difference('bids') ?? difference('asks');
  return {
    agree: firstDifference === null,
    bidLevels: ours.bids.length,
    askLevels: ours.asks.length,
    firstDifference,
  };
}
