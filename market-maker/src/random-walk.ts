/**
 * The quoting bot's reference price: a random walk in whole ticks, so every price it
 * leads to is on the market's grid. Each step moves by at most `maxStepTicks`, and the
 * walk stays within `[floorTicks, ceilingTicks]` (it reflects at the bounds).
 */
import { type Random, uniformInt } from '@exchange/protocol';

export interface WalkBounds {
  readonly maxStepTicks: number;
  readonly floorTicks: number;
  readonly ceilingTicks: number;
}

/** The next reference price in ticks. */
export function stepWalk(current: number, bounds: WalkBounds, random: Random): number {
  const next = current + uniformInt(random, -bounds.maxStepTicks, bounds.maxStepTicks);
  if (next < bounds.floorTicks) return 2 * bounds.floorTicks - next;
  if (next > bounds.ceilingTicks) return 2 * bounds.ceilingTicks - next;
  return next;
}
