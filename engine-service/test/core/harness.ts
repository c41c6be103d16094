import { Engine, type EngineSnapshot } from '@exchange/engine-service/core';
import {
  createMarketRegistry,
  type EngineCommand,
  type Event,
  type ExecutionResult,
  eventSchema,
  formatOnGrid,
  formatUnits,
  isRejection,
  type MarketRegistry,
  type RejectCode,
  type SelfTradePrevention,
  type Side,
  type TimeInForce,
  toEngineCommand,
  toWireEvents,
} from '@exchange/protocol';

/** The time stamped on the command with sequence `seq`: one second apart. */
export function timeOf(seq: number): number {
  return 1_700_000_000_000 + seq * 1_000;
}

/** What one command did, with its events in wire form (decimal strings). */
export interface Step {
  /** The sequence the engine applied it at; 0 when the protocol conversion refused it. */
  readonly seq: number;
  readonly code: RejectCode | null;
  readonly events: Event[];
  /** The engine's own result; null when the command never reached the engine. */
  readonly result: ExecutionResult | null;
}

export interface LimitOptions {
  readonly timeInForce?: TimeInForce;
  readonly postOnly?: boolean;
  readonly clientOrderId?: string;
  readonly selfTradePrevention?: SelfTradePrevention;
}

export interface MarketOptions {
  readonly clientOrderId?: string;
  readonly selfTradePrevention?: SelfTradePrevention;
}

export type MarketSize = { readonly quantity: string } | { readonly quoteQuantity: string };
export type OrderRef = { readonly orderId: number } | { readonly clientOrderId: string };

/**
 * An engine driven the way the exchange drives it: wire commands in decimal strings,
 * converted by the protocol, stamped with the next sequence and its time, and the
 * events formatted back to decimal strings.
 *
 * @example
 * const h = new Harness();
 * h.deposit('alice', 'USDC', '1000');
 * h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');
 * h.balance('alice', 'USDC'); // { available: '800.000000', locked: '200.000000' }
 */
export class Harness {
  private seq: number;

  constructor(
    readonly registry: MarketRegistry = createMarketRegistry(),
    readonly engine: Engine = new Engine(registry),
  ) {
    this.seq = engine.sequence;
  }

  /** A harness over an engine restored from `snapshot`, continuing its sequence. */
  static restore(snapshot: EngineSnapshot, registry: MarketRegistry = createMarketRegistry()): Harness {
    return new Harness(registry, Engine.restore(registry, snapshot));
  }

  /** Converts a wire command (any JSON) and, unless the conversion refuses it, executes it. */
  send(wire: Record<string, unknown>): Step {
    const command = toEngineCommand({ requestId: `r-${this.seq + 1}`, ...wire }, this.registry);
    if (isRejection(command)) return { seq: 0, code: command.code, events: [], result: null };
    return this.execute(command);
  }

  /** Executes an engine command as is, bypassing the protocol's validation. */
  execute(command: EngineCommand): Step {
    this.seq += 1;
    const result = this.engine.execute(command, this.seq, timeOf(this.seq));
    // Parsing against the wire schema checks every event a test sees is publishable.
    const events = toWireEvents(result, this.registry).map((e) => eventSchema.parse(e));
    return { seq: this.seq, code: result.code, events, result };
  }

  deposit(accountId: string, asset: string, amount: string): Step {
    return this.send({ type: 'DEPOSIT', accountId, asset, amount });
  }

  withdraw(accountId: string, asset: string, amount: string): Step {
    return this.send({ type: 'WITHDRAW', accountId, asset, amount });
  }

  settle(accountId: string, withdrawalId: number, outcome: 'COMPLETED' | 'FAILED'): Step {
    return this.send({ type: 'SETTLE_WITHDRAWAL', accountId, withdrawalId, outcome });
  }

  limit(
    accountId: string,
    market: string,
    side: Side,
    price: string,
    quantity: string,
    options: LimitOptions = {},
  ): Step {
    return this.send({
      type: 'CREATE_ORDER',
      accountId,
      market,
      side,
      orderType: 'LIMIT',
      price,
      quantity,
      ...options,
    });
  }

  market(accountId: string, market: string, side: Side, size: MarketSize, options: MarketOptions = {}): Step {
    return this.send({
      type: 'CREATE_ORDER',
      accountId,
      market,
      side,
      orderType: 'MARKET',
      ...size,
      ...options,
    });
  }

  cancel(accountId: string, market: string, ref: OrderRef): Step {
    return this.send({ type: 'CANCEL_ORDER', accountId, market, ...ref });
  }

  cancelAll(accountId: string, market: string): Step {
    return this.send({ type: 'CANCEL_ALL', accountId, market });
  }

  /** An account's balance of an asset, in decimal strings. */
  balance(accountId: string, asset: string): { available: string; locked: string } {
    const decimals = this.registry.asset(asset)?.decimals ?? 0;
    const { available, locked } = this.engine.balance(accountId, asset);
    return { available: formatUnits(available, decimals), locked: formatUnits(locked, decimals) };
  }

  /** A market's aggregated book, best first, as `[price, quantity]` decimal strings. */
  depth(symbol: string): { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } {
    const market = this.registry.market(symbol);
    const view = this.engine.depth(symbol);
    if (market === undefined || view === undefined) throw new Error(`no market ${symbol}`);
    const level = ([price, lots]: readonly [number, number]): [string, string] => [
      formatOnGrid(price, market.tick),
      formatOnGrid(lots, market.step),
    ];
    return { lastUpdateId: view.lastUpdateId, bids: view.bids.map(level), asks: view.asks.map(level) };
  }

  /** Ids of an account's resting orders, oldest first. */
  openOrderIds(accountId: string, market?: string): number[] {
    return this.engine.openOrders(accountId, market).map((o) => o.orderId);
  }

  /** The whole state except the last sequence, time and order id, to show a command changed nothing. */
  state(): string {
    return JSON.stringify({ ...this.engine.snapshot(), lastSeq: 0, lastTime: 0, lastOrderId: 0 });
  }
}

/** The events of one type, typed. */
export function ofType<T extends Event['type']>(
  events: readonly Event[],
  type: T,
): Extract<Event, { type: T }>[] {
  return events.filter((e): e is Extract<Event, { type: T }> => e.type === type);
}

/** The common cast: alice and dave hold 1000 USDC each to buy with; bob and carol 10 SOL each to sell. */
export function funded(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('dave', 'USDC', '1000');
  h.deposit('bob', 'SOL', '10');
  h.deposit('carol', 'SOL', '10');
  return h;
}
