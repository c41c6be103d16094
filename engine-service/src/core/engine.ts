import type {
  EngineCommand,
  EngineEvent,
  EngineOrderEvent,
  ExecutionResult,
  Level,
  MarketRegistry,
  RejectCode,
} from '@exchange/protocol';
import { Execution } from './events.js';
import { type EngineSnapshot, readSnapshot, writeSnapshot } from './snapshot.js';
import { Transfers } from './transfers.js';

/** The account that collects trading fees, unless configured otherwise. */
export const FEE_ACCOUNT_ID = 'exchange:fees';

export interface EngineOptions {
  readonly feeAccountId?: string;
}

/** A market's book as a client sees it: aggregated levels and the update id it reflects. */
export interface DepthView {
  readonly lastUpdateId: number;
  readonly bids: Level[];
  readonly asks: Level[];
}

/**
 * The matching engine: order books, balances and funds locking for every market,
 * as a pure deterministic function of the commands applied to it.
 *
 * No I/O, clock or randomness: order ids are the sequence of the command that
 * created them, trade ids count per market, and every timestamp is the `time` the
 * caller stamped on the command. The same commands therefore always produce the
 * same events and the same state, which is what journal replay relies on.
 *
 * A rejected command leaves the state untouched and yields no events.
 *
 * One object, written in layers, one file per role; each layer extends the one it
 * calls: `engine-state.ts` (what the engine holds) → `open-orders.ts` (resting,
 * waiting, ending) → `order-lists.ts` (OCO) → `matching.ts` → `conditional-orders.ts`
 * (stop triggers) → `order-entry.ts` → `cancels.ts` → `amends.ts` → `transfers.ts`
 * (deposits, withdrawals) → this class: command dispatch, queries, snapshots. Calls
 * between roles stay `this.` method calls, which V8 inlines on the hot path; the same
 * roles as free functions in separate ES modules measured about 8% slower per order.
 *
 * @example
 * const engine = new Engine(createMarketRegistry());
 * engine.execute({ type: 'DEPOSIT', accountId: 'a', asset: 'USDC', amount: 1_000_000 }, 1, Date.now());
 */
export class Engine extends Transfers {
  constructor(registry: MarketRegistry, options: EngineOptions = {}) {
    super(registry, options.feeAccountId ?? FEE_ACCOUNT_ID);
  }

  /** Sequence of the last command applied (0 before any). */
  get sequence(): number {
    return this.lastSeq;
  }

  /** The exchange's own account, credited with every fee. */
  get feeAccountId(): string {
    return this.ledger.feeAccount.id;
  }

  /** Time of the last command applied (0 before any). */
  get lastCommandTime(): number {
    return this.lastTime;
  }

  /**
   * Applies one command.
   * @param seq the command's engine sequence number, greater than any before
   * @param time the command's timestamp (ms), stamped by the caller
   * @throws Error only on a caller bug (sequence not increasing)
   */
  execute(command: EngineCommand, seq: number, time: number): ExecutionResult {
    if (!Number.isSafeInteger(seq) || seq <= this.lastSeq) {
      throw new Error(`sequence ${seq} does not follow ${this.lastSeq}`);
    }
    this.seq = seq;
    this.time = time;
    this.ledger.seq = seq;
    const events: EngineEvent[] = [];
    this.events = events;
    this.outcome = undefined;
    const code = this.apply(command);
    this.lastSeq = seq;
    this.lastTime = time;
    if (code === null) this.ledger.flush(command.type, events);
    return this.outcome === undefined
      ? new Execution(seq, time, code, events)
      : new Execution(seq, time, code, events, this.outcome);
  }

  private apply(command: EngineCommand): RejectCode | null {
    switch (command.type) {
      case 'CREATE_ORDER':
        return this.createOrder(command);
      case 'CANCEL_ORDER':
        return this.cancelOrder(command);
      case 'CANCEL_ALL':
        return this.cancelAll(command);
      case 'DEPOSIT':
        return this.deposit(command);
      case 'WITHDRAW':
        return this.withdraw(command);
      case 'SETTLE_WITHDRAWAL':
        return this.settleWithdrawal(command);
      case 'AMEND_ORDER':
        return this.amendOrder(command);
      case 'CANCEL_REPLACE':
        return this.cancelReplace(command);
      case 'CREATE_ORDER_LIST':
        return this.createOrderList(command);
      case 'CANCEL_ORDER_LIST':
        return this.cancelOrderList(command);
      default:
        return 'INVALID_COMMAND';
    }
  }

  // --- queries --------------------------------------------------------------

  /** Aggregated levels, best first, and the update id they reflect. */
  depth(market: string, limit = 100): DepthView | undefined {
    const book = this.books.get(market);
    if (book === undefined) return undefined;
    return { lastUpdateId: book.updateId, bids: book.bids.top(limit), asks: book.asks.top(limit) };
  }

  balance(accountId: string, asset: string): { available: number; locked: number } {
    const index = this.registry.asset(asset)?.index;
    const b = index === undefined ? undefined : this.ledger.accounts.get(accountId)?.balances[index];
    return { available: b?.available ?? 0, locked: b?.locked ?? 0 };
  }

  /** An account's resting orders, oldest first, optionally for one market. */
  openOrders(accountId: string, market?: string): EngineOrderEvent[] {
    const out: EngineOrderEvent[] = [];
    for (let o = this.ledger.accounts.get(accountId)?.openHead ?? null; o !== null; o = o.accountNext) {
      if (market === undefined || o.market === market) out.push(o.view());
    }
    return out;
  }

  /** Every account the engine holds, in the order each first appeared. */
  accountIds(): IterableIterator<string> {
    return this.ledger.accounts.keys();
  }

  /** An open order (resting or waiting) by id. */
  order(orderId: number): EngineOrderEvent | undefined {
    return this.orders.get(orderId)?.view();
  }

  // --- persistence ----------------------------------------------------------

  /** The whole state as plain JSON-safe data; {@link Engine.restore} brings it back. */
  snapshot(): EngineSnapshot {
    return writeSnapshot({
      lastSeq: this.lastSeq,
      lastTime: this.lastTime,
      lastOrderId: this.lastOrderId,
      ledger: this.ledger,
      books: [...this.books.values()],
      lists: this.lists.values(),
    });
  }

  /** An engine in exactly the state a snapshot was taken in. */
  static restore(registry: MarketRegistry, snapshot: EngineSnapshot, options: EngineOptions = {}): Engine {
    const engine = new Engine(registry, options);
    const state = readSnapshot(snapshot, registry, engine.ledger, engine.books, engine.pool);
    engine.lastSeq = state.lastSeq;
    engine.lastTime = state.lastTime;
    engine.lastOrderId = state.lastOrderId;
    for (const order of state.orders) engine.orders.add(order);
    for (const list of state.lists) engine.lists.set(list.id, list);
    return engine;
  }
}
