/** A benchmark's targets and how its measured metrics stand against them. */
import type { Metric } from './engine/report.js';

/** A metric must reach at least, or stay below, a value. */
export type Target = { readonly atLeast: number } | { readonly below: number };

/** One target with the measured value and whether it is met. */
export interface Verdict {
  readonly key: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

/** Each target that has a measured metric, in the targets' order. */
export function verdictsOf(
  metrics: Record<string, Metric>,
  targets: Readonly<Record<string, Target>>,
): Verdict[] {
  return Object.entries(targets).flatMap(([key, target]) => {
    const value = metrics[key]?.value;
    if (value === undefined) return [];
    return 'atLeast' in target
      ? [{ key, value, target: `≥ ${target.atLeast}`, met: value >= target.atLeast }]
      : [{ key, value, target: `< ${target.below}`, met: value < target.below }];
  });
}
