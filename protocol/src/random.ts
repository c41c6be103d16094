/**
 * Reproducible randomness for whatever must replay from a seed: the market makers'
 * decisions, benchmark workloads, test loads. The engine core uses none.
 */

/** A source of uniform numbers in `[0, 1)`. */
export type Random = () => number;

/**
 * mulberry32: a tiny seeded PRNG (32-bit state). Not cryptographic; chosen because it
 * is fast, well known and trivially reproducible in any language, so a workload can
 * be regenerated exactly from its seed.
 *
 * @example
 * const rand = mulberry32(42);
 * const die = 1 + Math.floor(rand() * 6);
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A uniform integer in `[lo, hi]`, from one draw.
 * @example uniformInt(mulberry32(1), 1, 6) // a die
 */
export function uniformInt(rand: Random, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
