/**
 * One process's share of a mixed workload: resolve it, then time our engine and the peer
 * on the identical command list (throughput, then per-op latency), and check that both
 * books end alike. A workload the peer cannot run (stops, amends) is timed on ours alone.
 */
import { createOurRunner } from './our-engine.js';
import { createPeerRunner } from './peer-book.js';
import type { ResolvedWorkload } from './resolution.js';
import { type ResolutionStats, resolveWorkload } from './resolution.js';
import { compareDepth, type Depth, type DepthCheck, type RunnerFactory } from './runner.js';
import { type LatencySummary, latencySummary } from './stats.js';
import { nanosSince, timerOverheadNanos } from './timer.js';
import { peerCanRun, type WorkloadSpec } from './workload.js';

/** Ops run on a throwaway book before timing, so both engines are JIT-compiled. */
export const WARMUP_OPS = 100_000;

export type Target = 'ours' | 'peer';

/** One value per engine; `peer` is absent for a workload only ours can run. */
export interface PerTarget<T> {
  readonly ours: T;
  readonly peer?: T;
}

const FACTORIES: Record<Target, RunnerFactory<ResolvedWorkload>> = {
  ours: createOurRunner,
  peer: createPeerRunner,
};

export interface ThroughputResult {
  readonly opsPerS: number;
  readonly seconds: number;
  /** Events (ours) or orders touched (peer): proof the results were used. */
  readonly checksum: number;
}

export interface MixedRunResult {
  readonly workload: string;
  readonly ops: number;
  readonly run: number;
  /**
   * Which engine ran first; alternated per run so neither always gets the fresher heap.
   * Only ours when the peer cannot run the workload.
   */
  readonly order: readonly Target[];
  readonly resolveSeconds: number;
  readonly resolution: ResolutionStats;
  readonly throughput: PerTarget<ThroughputResult>;
  /** Ours / peer, in this process; null without the peer. */
  readonly ratio: number | null;
  /** Null without the peer: nothing to compare with. */
  readonly depth: DepthCheck | null;
  readonly latency: PerTarget<LatencySummary>;
  readonly timerOverheadNs: number;
}

/** Frees what the previous phase left, so it is not collected on the clock. */
function collectGarbage(): void {
  globalThis.gc?.();
}

function timeThroughput(factory: RunnerFactory<ResolvedWorkload>, workload: ResolvedWorkload, ops: number) {
  const warmup = Math.min(WARMUP_OPS, ops);
  const warmRunner = factory(workload, warmup);
  const warmChecksum = warmRunner.run(0, warmup);
  if (warmRunner.failures > 0 || warmChecksum === 0) throw new Error('warm-up failed');

  const runner = factory(workload, ops);
  collectGarbage();
  const start = process.hrtime.bigint();
  const checksum = runner.run(0, ops);
  const nanos = nanosSince(start);
  if (runner.failures > 0) throw new Error(`${runner.failures} ops failed: the measurement is invalid`);
  const result: ThroughputResult = { opsPerS: ops / (nanos / 1e9), seconds: nanos / 1e9, checksum };
  return { result, depth: runner.depth() };
}

function timeLatency(factory: RunnerFactory<ResolvedWorkload>, workload: ResolvedWorkload, ops: number) {
  const runner = factory(workload, ops);
  const nanos = new Float64Array(ops);
  collectGarbage();
  const checksum = runner.runTimingEach(0, ops, nanos);
  if (runner.failures > 0 || checksum === 0) throw new Error(`latency pass: ${runner.failures} ops failed`);
  return latencySummary(nanos);
}

/**
 * Runs the first `ops` ops of `spec` on both engines in this process.
 * @param run repetition index; even runs time ours first, odd runs the peer first
 */
export function runMixed(spec: WorkloadSpec, ops: number, run: number): MixedRunResult {
  const resolveStart = process.hrtime.bigint();
  const workload = resolveWorkload(spec, ops);
  const resolveSeconds = nanosSince(resolveStart) / 1e9;
  const alternated: Target[] = run % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
  const order: Target[] = peerCanRun(spec) ? alternated : ['ours'];

  const throughputs = new Map<Target, ThroughputResult>();
  const depths = new Map<Target, Depth>();
  for (const target of order) {
    const { result, depth } = timeThroughput(FACTORIES[target], workload, ops);
    throughputs.set(target, result);
    depths.set(target, depth);
  }
  const latencies = new Map<Target, LatencySummary>();
  for (const target of order) latencies.set(target, timeLatency(FACTORIES[target], workload, ops));

  const throughput = perTarget(throughputs);
  const oursDepth = depths.get('ours') as Depth;
  const peerDepth = depths.get('peer');
  return {
    workload: spec.name,
    ops,
    run,
    order,
    resolveSeconds,
    resolution: workload.stats,
    throughput,
    ratio: throughput.peer === undefined ? null : throughput.ours.opsPerS / throughput.peer.opsPerS,
    depth: peerDepth === undefined ? null : compareDepth(oursDepth, peerDepth),
    latency: perTarget(latencies),
    timerOverheadNs: timerOverheadNanos(),
  };
}

/** The values measured per engine; ours is always among them. */
function perTarget<T>(values: ReadonlyMap<Target, T>): PerTarget<T> {
  const ours = values.get('ours');
  if (ours === undefined) throw new Error('our engine was not measured');
  const peer = values.get('peer');
  return peer === undefined ? { ours } : { ours, peer };
}
