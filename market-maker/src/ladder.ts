/**
 * The quoting ladder, pure: from a reference price (ticks) to the orders the bot wants
 * resting. Bids below and asks above the reference, `levels` each, `spreadTicks` apart
 * at the touch and `stepTicks` apart behind it; so the best bid is always below the
 * best ask and the bot never crosses itself.
 */

/** One resting order the bot wants, in integers: price in ticks, quantity in lots. */
export interface Quote {
  readonly side: 'BUY' | 'SELL';
  readonly priceTicks: number;
  readonly quantityLots: number;
}

export interface LadderConfig {
  /** Distance between best bid and best ask, in ticks (≥ 2, so both sides avoid the reference). */
  readonly spreadTicks: number;
  /** Distance between levels on one side, in ticks (≥ 1). */
  readonly stepTicks: number;
  /** Levels per side. */
  readonly levels: number;
  /** Quantity at the touch, in lots; deeper levels grow by `growthLots` each. */
  readonly quantityLots: number;
  readonly growthLots: number;
}

/**
 * The ladder around `referenceTicks`. Levels that would price at or below zero are left out.
 * @example ladder(10_000, { spreadTicks: 10, stepTicks: 5, levels: 3, quantityLots: 100, growthLots: 50 })
 */
export function ladder(referenceTicks: number, config: LadderConfig): Quote[] {
  if (config.spreadTicks < 2 || config.stepTicks < 1 || config.levels < 1) {
    throw new Error('a ladder needs spreadTicks ≥ 2, stepTicks ≥ 1 and levels ≥ 1');
  }
  const half = Math.floor(config.spreadTicks / 2);
  const bestBid = referenceTicks - half;
  const bestAsk = bestBid + config.spreadTicks;
  const quotes: Quote[] = [];
  for (let level = 0; level < config.levels; level++) {
    const quantityLots = config.quantityLots + level * config.growthLots;
    const bid = bestBid - level * config.stepTicks;
    if (bid > 0) quotes.push({ side: 'BUY', priceTicks: bid, quantityLots });
    quotes.push({ side: 'SELL', priceTicks: bestAsk + level * config.stepTicks, quantityLots });
  }
  return quotes;
}

/** A resting order of the bot as the exchange reports it, in integers. */
export interface RestingQuote extends Quote {
  readonly orderId: number;
  /** Lots still open. */
  readonly openLots: number;
}

/** What to change to get from the resting orders to the wanted ones. */
export interface QuoteDiff {
  readonly cancel: readonly RestingQuote[];
  readonly place: readonly Quote[];
}

/**
 * Keeps every resting order that matches a wanted quote (same side and price, still at
 * least half open), cancels the rest, and places what is missing. Cancels come first in
 * the bot's loop, so a re-priced ladder never rests on both sides of the old and new
 * reference at once.
 */
export function diffQuotes(resting: readonly RestingQuote[], wanted: readonly Quote[]): QuoteDiff {
  const key = (q: Quote) => `${q.side}:${q.priceTicks}`;
  const wantedByKey = new Map(wanted.map((q) => [key(q), q]));
  const kept = new Set<string>();
  const cancel: RestingQuote[] = [];
  for (const order of resting) {
    const want = wantedByKey.get(key(order));
    if (want !== undefined && !kept.has(key(order)) && order.openLots * 2 >= want.quantityLots) {
      kept.add(key(order));
    } else {
      cancel.push(order);
    }
  }
  return { cancel, place: wanted.filter((q) => !kept.has(key(q))) };
}
