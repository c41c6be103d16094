import type { MarketRegistry, SelfTradePrevention, Side } from '@exchange/protocol';
import type { Ledger } from './ledger.js';
import type { Order, OrderPool } from './order.js';
import type { OrderBook } from './order-book.js';

/**
 * A resting order, compact because a snapshot may hold millions. Resting orders
 * are always GTC limit orders, so type and time in force are implied.
 */
export type SnapshotOrder = [
  id: number,
  accountId: string,
  side: Side,
  postOnly: boolean,
  selfTradePrevention: SelfTradePrevention,
  price: number,
  quantity: number,
  remaining: number,
  filledQuote: number,
  clientOrderId: string | null,
  createdAt: number,
];

export interface SnapshotMarket {
  readonly symbol: string;
  readonly updateId: number;
  readonly lastTradeId: number;
  /** Bids best first, then asks best first; oldest first within a price. */
  readonly orders: SnapshotOrder[];
}

/** Every account's non-zero balances: `[asset, available, locked]`. */
export type SnapshotAccount = [
  accountId: string,
  balances: [asset: string, available: number, locked: number][],
];

/** The engine's whole state as JSON-safe data. */
export interface EngineSnapshot {
  readonly version: 1;
  readonly lastSeq: number;
  readonly lastTime: number;
  readonly feeAccountId: string;
  /** Per asset: deposits − completed withdrawals. */
  readonly supply: [asset: string, units: number][];
  readonly accounts: SnapshotAccount[];
  readonly markets: SnapshotMarket[];
  readonly withdrawals: [id: number, accountId: string, asset: string, amount: number][];
}

export interface SnapshotSource {
  readonly lastSeq: number;
  readonly lastTime: number;
  readonly ledger: Ledger;
  readonly books: readonly OrderBook[];
}

export function writeSnapshot({ lastSeq, lastTime, ledger, books }: SnapshotSource): EngineSnapshot {
  const accounts: SnapshotAccount[] = [];
  for (const account of ledger.accounts.values()) {
    const balances: [string, number, number][] = [];
    for (const b of account.balances) {
      if (b !== undefined && (b.available !== 0 || b.locked !== 0))
        balances.push([b.asset, b.available, b.locked]);
    }
    accounts.push([account.id, balances]);
  }
  const markets = books.map((book): SnapshotMarket => {
    const orders: SnapshotOrder[] = [];
    for (const side of [book.bids, book.asks]) {
      for (let level = side.best; level !== null; level = side.worse(level)) {
        for (let o = level.head; o !== null; o = o.next) {
          orders.push([
            o.id,
            o.account.id,
            o.side,
            o.postOnly,
            o.selfTradePrevention,
            o.price,
            o.quantity,
            o.remaining,
            o.filledQuote,
            o.clientOrderId,
            o.createdAt,
          ]);
        }
      }
    }
    return { symbol: book.market.symbol, updateId: book.updateId, lastTradeId: book.lastTradeId, orders };
  });
  return {
    version: 1,
    lastSeq,
    lastTime,
    feeAccountId: ledger.feeAccount.id,
    supply: ledger.assets.map((a) => [a.symbol, ledger.supply[a.index] as number]),
    accounts,
    markets,
    withdrawals: [...ledger.withdrawals.values()].map((w) => [w.id, w.account.id, w.asset.symbol, w.amount]),
  };
}

/**
 * Loads a snapshot into a freshly constructed engine's ledger and books.
 * @returns the resting orders, and the sequence and time the snapshot was taken at
 * @throws Error when the snapshot does not fit this configuration
 */
export function readSnapshot(
  snapshot: EngineSnapshot,
  registry: MarketRegistry,
  ledger: Ledger,
  books: ReadonlyMap<string, OrderBook>,
  pool: OrderPool,
): { lastSeq: number; lastTime: number; orders: Order[] } {
  if (snapshot.version !== 1) throw new Error(`unsupported snapshot version ${String(snapshot.version)}`);
  if (snapshot.feeAccountId !== ledger.feeAccount.id) throw new Error('snapshot has another fee account');
  const assetIndex = (symbol: string): number => {
    const asset = registry.asset(symbol);
    if (asset === undefined) throw new Error(`snapshot holds unknown asset ${symbol}`);
    return asset.index;
  };
  for (const [asset, units] of snapshot.supply) ledger.supply[assetIndex(asset)] = units;
  for (const [id, balances] of snapshot.accounts) {
    const account = ledger.accountFor(id);
    for (const [asset, available, locked] of balances) {
      const b = ledger.balance(account, assetIndex(asset));
      b.available = available;
      b.locked = locked;
    }
  }
  for (const [id, accountId, asset, amount] of snapshot.withdrawals) {
    const index = assetIndex(asset);
    ledger.withdrawals.set(id, {
      id,
      account: ledger.accountFor(accountId),
      asset: registry.assets[index] as (typeof registry.assets)[number],
      amount,
    });
  }
  const orders: Order[] = [];
  for (const m of snapshot.markets) {
    const book = books.get(m.symbol);
    if (book === undefined) throw new Error(`snapshot holds unknown market ${m.symbol}`);
    book.updateId = m.updateId;
    book.lastTradeId = m.lastTradeId;
    for (const [
      id,
      accountId,
      side,
      postOnly,
      stp,
      price,
      quantity,
      remaining,
      filledQuote,
      clientOrderId,
      createdAt,
    ] of m.orders) {
      const order = pool.acquire(
        id,
        ledger.accountFor(accountId),
        m.symbol,
        side,
        'LIMIT',
        'GTC',
        postOnly,
        stp,
        price,
        quantity,
        0,
        clientOrderId,
        createdAt,
      );
      order.remaining = remaining;
      order.filledQuantity = quantity - remaining;
      order.filledQuote = filledQuote;
      order.status = remaining < quantity ? 'PARTIALLY_FILLED' : 'NEW';
      book.side(side === 'BUY').append(order);
      orders.push(order);
    }
  }
  // Accounts list their open orders in creation order, which is id order.
  orders.sort((a, b) => a.id - b.id);
  for (const order of orders) order.account.addOpen(order);
  return { lastSeq: snapshot.lastSeq, lastTime: snapshot.lastTime, orders };
}
