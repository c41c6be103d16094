/**
 * The engine invariants the spec promises, each as an assertion on an engine's
 * state (or on one command's result), plus the bookkeeping the test keeps on its
 * own to check them against: money that entered and left, pending withdrawals.
 */

import { isDeepStrictEqual } from 'node:util';
import type { Engine } from '@exchange/engine-service/core';
import type { EngineOrderEvent, EngineTradeEvent, ExecutionResult, Level } from '@exchange/protocol';
import { ACCOUNTS, registry, type Step } from './arbitraries.js';

/**
 * Fails with Jest's diff, but only pays for it when the two differ. Compared as
 * JSON data — what `toEqual` compares, class or literal, undefined fields left out —
 * which costs a small part of what `toEqual` does on every command of a stream.
 */
export function expectSame<T>(actual: T, expected: T): void {
  if (isDeepStrictEqual(asData(actual), asData(expected))) return;
  expect(actual).toEqual(expected);
}

function asData(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

/** What the test itself knows about funds crossing the exchange's edge. */
export class ExternalFlows {
  /** Per asset: deposits − completed withdrawals. */
  readonly net = new Map<string, bigint>();
  readonly pending = new Map<number, { accountId: string; asset: string; amount: number }>();

  record({ seq, command }: Step, result: ExecutionResult): void {
    if (result.code !== null) return;
    if (command.type === 'DEPOSIT') this.add(command.asset, command.amount);
    if (command.type === 'WITHDRAW') this.pending.set(seq, command);
    if (command.type === 'SETTLE_WITHDRAWAL') {
      const w = this.pending.get(command.withdrawalId);
      if (w === undefined) throw new Error(`settled withdrawal ${command.withdrawalId} was never requested`);
      if (command.outcome === 'COMPLETED') this.add(w.asset, -w.amount);
      this.pending.delete(command.withdrawalId);
    }
  }

  private add(asset: string, amount: number): void {
    this.net.set(asset, (this.net.get(asset) ?? 0n) + BigInt(amount));
  }
}

/** Per asset, Σ(available + locked) over every account = supply = what came in − what left. */
export function expectFundsConserved(engine: Engine, flows: ExternalFlows): void {
  for (const asset of registry.assets) {
    let held = 0n;
    for (const account of engine.ledger.accounts.values()) {
      const b = account.balances[asset.index];
      if (b !== undefined) held += BigInt(b.available) + BigInt(b.locked);
    }
    expectSame(
      { asset: asset.symbol, held, supply: BigInt(engine.ledger.supply[asset.index] as number) },
      {
        asset: asset.symbol,
        held: flows.net.get(asset.symbol) ?? 0n,
        supply: flows.net.get(asset.symbol) ?? 0n,
      },
    );
  }
}

/** Every balance is a whole, non-negative number of minor units. */
export function expectNoNegativeBalance(engine: Engine): void {
  for (const account of engine.ledger.accounts.values()) {
    for (const b of account.balances) {
      if (b === undefined) continue;
      const ok = Number.isSafeInteger(b.available) && Number.isSafeInteger(b.locked);
      if (!ok || b.available < 0 || b.locked < 0) {
        expect({ account: account.id, asset: b.asset, available: b.available, locked: b.locked }).toEqual({
          account: account.id,
          asset: b.asset,
          available: Math.max(0, Math.trunc(b.available)),
          locked: Math.max(0, Math.trunc(b.locked)),
        });
      }
    }
  }
}

/** Best bid < best ask in every market. */
export function expectBooksNotCrossed(engine: Engine): void {
  for (const market of registry.markets) {
    const depth = engine.depth(market.symbol, 1);
    const bid = depth?.bids[0]?.[0];
    const ask = depth?.asks[0]?.[0];
    if (bid !== undefined && ask !== undefined && bid >= ask) {
      expect({ market: market.symbol, bid, ask }).toEqual({ market: market.symbol, bid, ask: `> ${bid}` });
    }
  }
}

/** Every account's resting orders, by id. */
export function restingOrders(engine: Engine): Map<number, EngineOrderEvent> {
  const byId = new Map<number, EngineOrderEvent>();
  for (const accountId of ACCOUNTS) for (const o of engine.openOrders(accountId)) byId.set(o.orderId, o);
  return byId;
}

/**
 * An account-asset's locked amount is exactly what its resting orders keep
 * (price × remaining × quotePerTickLot quote for a buy, remaining × basePerLot base
 * for a sell) plus its pending withdrawals.
 */
export function expectLockedMatchesCommitments(engine: Engine, flows: ExternalFlows): void {
  const expected = new Map<string, number>();
  const add = (accountId: string, asset: string, amount: number): void => {
    const key = `${accountId}/${asset}`;
    expected.set(key, (expected.get(key) ?? 0) + amount);
  };
  for (const accountId of engine.ledger.accounts.keys()) {
    const open = engine.openOrders(accountId);
    // Both orders of an OCO list still open share one lock: what the dearer one needs.
    const listNeeds = new Map<number, { asset: string; need: number; count: number }>();
    for (const o of open) {
      const market = registry.market(o.market);
      if (market === undefined) throw new Error(`open order ${o.orderId} in unknown market ${o.market}`);
      const asset = o.side === 'BUY' ? market.quote.symbol : market.base.symbol;
      const need = orderNeed(o, market);
      if (o.orderListId === -1) {
        add(accountId, asset, need);
        continue;
      }
      const list = listNeeds.get(o.orderListId) ?? { asset, need: 0, count: 0 };
      listNeeds.set(o.orderListId, { asset, need: Math.max(list.need, need), count: list.count + 1 });
    }
    for (const [, list] of listNeeds) add(accountId, list.asset, list.need);
  }
  for (const w of flows.pending.values()) add(w.accountId, w.asset, w.amount);
  for (const [accountId, account] of engine.ledger.accounts) {
    for (const asset of registry.assets) {
      const key = `${accountId}/${asset.symbol}`;
      expectSame(
        { key, locked: account.balances[asset.index]?.locked ?? 0 },
        { key, locked: expected.get(key) ?? 0 },
      );
    }
  }
}

/**
 * What an open order holds on its own: a resting (or waiting limit-priced) order its
 * price × remaining quote or remaining base; a waiting market-type buy its quote amount.
 */
function orderNeed(o: EngineOrderEvent, market: NonNullable<ReturnType<typeof registry.market>>): number {
  const remaining = o.quantity - o.filledQuantity;
  if (o.price > 0) {
    return o.side === 'BUY' ? o.price * remaining * market.quotePerTickLot : remaining * market.basePerLot;
  }
  return o.side === 'BUY' ? o.quoteQuantity : remaining * market.basePerLot;
}

/**
 * The fills of one `CREATE_ORDER`: each at the maker's resting price and within the
 * taker's limit, prices never improving as matching goes on, and at each price the
 * makers reached (filled or expired by self-trade prevention) are the oldest orders
 * there, in order.
 */
export function expectFillsInPriceTimePriority(
  step: Step,
  result: ExecutionResult,
  restingBefore: ReadonlyMap<number, EngineOrderEvent>,
): void {
  const { command, seq } = step;
  if (command.type !== 'CREATE_ORDER' || result.code !== null) return;
  const isBuy = command.side === 'BUY';
  const reachedAt = new Map<number, number[]>();
  const reach = (makerId: number): void => {
    const maker = restingBefore.get(makerId);
    if (maker === undefined) throw new Error(`order ${seq} traded with ${makerId}, which was not resting`);
    reachedAt.set(maker.price, [...(reachedAt.get(maker.price) ?? []), makerId]);
  };
  let lastPrice: number | undefined;
  for (const e of result.events) {
    if (e.type === 'ORDER' && e.orderId !== seq && e.reason === 'SELF_TRADE_PREVENTION') reach(e.orderId);
    if (e.type !== 'TRADE') continue;
    const makerId = makerOf(e, seq);
    const makerPrice = restingBefore.get(makerId)?.price;
    const withinLimit =
      command.orderType === 'MARKET' || (isBuy ? e.price <= command.price : e.price >= command.price);
    const inOrder = lastPrice === undefined || (isBuy ? e.price >= lastPrice : e.price <= lastPrice);
    expectSame(
      { tradeId: e.tradeId, price: e.price, withinLimit, inOrder },
      { tradeId: e.tradeId, price: makerPrice, withinLimit: true, inOrder: true },
    );
    lastPrice = e.price;
    reach(makerId);
  }
  for (const [price, ids] of reachedAt) {
    const queue = [...restingBefore.values()]
      .filter((o) => o.market === command.market && o.side !== command.side && o.price === price)
      .map((o) => o.orderId)
      .sort((a, b) => a - b);
    expectSame({ price, makers: ids }, { price, makers: queue.slice(0, ids.length) });
  }
}

function makerOf(trade: EngineTradeEvent, takerId: number): number {
  return trade.buyOrderId === takerId ? trade.sellOrderId : trade.buyOrderId;
}

/** A client's copy of one market's book, kept only from `DEPTH` diffs. */
export class DiffBook {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  lastUpdateId = 0;

  /** Applies a diff, insisting it is the next one. */
  apply(diff: { updateId: number; bids: readonly Level[]; asks: readonly Level[] }): void {
    expectSame({ updateId: diff.updateId }, { updateId: this.lastUpdateId + 1 });
    this.lastUpdateId = diff.updateId;
    for (const [levels, side] of [
      [diff.bids, this.bids],
      [diff.asks, this.asks],
    ] as const) {
      const prices = levels.map(([price]) => price);
      expectSame({ listedOnce: new Set(prices).size === prices.length }, { listedOnce: true });
      for (const [price, lots] of levels) {
        if (lots === 0) side.delete(price);
        else side.set(price, lots);
      }
    }
  }

  view(): { lastUpdateId: number; bids: Level[]; asks: Level[] } {
    return {
      lastUpdateId: this.lastUpdateId,
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}

/** The snapshot as JSON, without the sequence, time and last order id every command may move on. */
export function stateOf(engine: Engine): string {
  return JSON.stringify({ ...engine.snapshot(), lastSeq: 0, lastTime: 0, lastOrderId: 0 });
}
