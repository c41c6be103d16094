import type { MarketRegistry, OrderType, SelfTradePrevention, Side, TimeInForce } from '@exchange/protocol';
import type { Ledger } from './ledger.js';
import type { Order, OrderPool } from './order.js';
import type { OrderBook } from './order-book.js';
import { OrderList } from './order-list.js';

/**
 * What sets a resting order apart from a plain GTC limit order placed on its own: a
 * triggered `…_LIMIT` stop keeps its type and stop terms, and an order of a list its list.
 */
export interface SnapshotOrderTerms {
  readonly orderType: OrderType;
  readonly stopPrice: number;
  readonly trailingDelta: number;
  readonly workingTime: number;
  readonly listId: number;
  /** Its list's client id, when it has one (absent in snapshots from before it was kept). */
  readonly listClientId?: string;
}

/**
 * A resting order, compact because a snapshot may hold millions. Resting orders
 * are GTC and priced; a plain limit order carries no `terms`.
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
  /** Null when the order is plain but changed since it was placed (`updatedAt` follows). */
  terms?: SnapshotOrderTerms | null,
  /** When a command last changed it; absent when that is `createdAt`. */
  updatedAt?: number,
];

/** A stop or take-profit order waiting for its trigger. */
export type SnapshotWaitingOrder = [
  id: number,
  accountId: string,
  side: Side,
  orderType: OrderType,
  timeInForce: TimeInForce,
  selfTradePrevention: SelfTradePrevention,
  price: number,
  quantity: number,
  quoteQuantity: number,
  stopPrice: number,
  trailingDelta: number,
  locked: number,
  trailRef: number,
  tracking: boolean,
  clientOrderId: string | null,
  createdAt: number,
  listId: number,
  /** When a command last changed it (an amendment); absent when that is `createdAt`. */
  updatedAt?: number,
];

/** An OCO list with both orders open; they hold no funds of their own, the list holds `locked`. */
export type SnapshotOrderList = [
  id: number,
  clientListId: string | null,
  aboveOrderId: number,
  belowOrderId: number,
  locked: number,
];

export interface SnapshotMarket {
  readonly symbol: string;
  readonly updateId: number;
  readonly lastTradeId: number;
  /** Bids best first, then asks best first; oldest first within a price. */
  readonly orders: SnapshotOrder[];
  /** Ticks of the last trade; absent in snapshots taken before stop orders existed. */
  readonly lastPrice?: number;
  readonly stopsSawTradeId?: number;
  readonly waiting?: SnapshotWaitingOrder[];
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
  readonly lists?: SnapshotOrderList[];
  /**
   * The last order id given (an order's id is its command's seq, or one more than this
   * when an order list took two ids). Absent in snapshots from before order lists: `lastSeq`.
   */
  readonly lastOrderId?: number;
}

export interface SnapshotSource {
  readonly lastSeq: number;
  readonly lastTime: number;
  readonly lastOrderId: number;
  readonly ledger: Ledger;
  readonly books: readonly OrderBook[];
  readonly lists: Iterable<OrderList>;
}

/** The terms of a resting order that is not a plain limit order, else undefined. */
function termsOf(o: Order): SnapshotOrderTerms | undefined {
  if (o.orderType === 'LIMIT' && o.listId === -1 && o.workingTime === o.createdAt) return undefined;
  return {
    orderType: o.orderType,
    stopPrice: o.stopPrice,
    trailingDelta: o.trailingDelta,
    workingTime: o.workingTime,
    listId: o.listId,
    ...(o.listClientId === null ? {} : { listClientId: o.listClientId }),
  };
}

export function writeSnapshot({
  lastSeq,
  lastTime,
  lastOrderId,
  ledger,
  books,
  lists,
}: SnapshotSource): EngineSnapshot {
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
          const row: SnapshotOrder = [
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
          ];
          const terms = termsOf(o);
          if (o.updatedAt !== o.createdAt) row.push(terms ?? null, o.updatedAt);
          else if (terms !== undefined) row.push(terms);
          orders.push(row);
        }
      }
    }
    const waiting = book.stops
      .orders()
      .sort((a, b) => a.id - b.id)
      .map((o): SnapshotWaitingOrder => {
        const row: SnapshotWaitingOrder = [
          o.id,
          o.account.id,
          o.side,
          o.orderType,
          o.timeInForce,
          o.selfTradePrevention,
          o.price,
          o.quantity,
          o.quoteQuantity,
          o.stopPrice,
          o.trailingDelta,
          o.locked,
          o.trailRef,
          o.tracking,
          o.clientOrderId,
          o.createdAt,
          o.listId,
        ];
        if (o.updatedAt !== o.createdAt) row.push(o.updatedAt);
        return row;
      });
    return {
      symbol: book.market.symbol,
      updateId: book.updateId,
      lastTradeId: book.lastTradeId,
      orders,
      lastPrice: book.lastPrice,
      stopsSawTradeId: book.stopsSawTradeId,
      waiting,
    };
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
    lists: [...lists].map((l): SnapshotOrderList => [l.id, l.clientListId, l.above.id, l.below.id, l.locked]),
    lastOrderId,
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
): { lastSeq: number; lastTime: number; lastOrderId: number; orders: Order[]; lists: OrderList[] } {
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
      terms,
      updatedAt,
    ] of m.orders) {
      const order = pool.acquire(
        id,
        ledger.accountFor(accountId),
        m.symbol,
        {
          side,
          orderType: terms?.orderType ?? 'LIMIT',
          timeInForce: 'GTC',
          postOnly,
          selfTradePrevention: stp,
          price,
          quantity,
          quoteQuantity: 0,
          clientOrderId,
        },
        createdAt,
      );
      order.remaining = remaining;
      order.filledQuantity = quantity - remaining;
      order.filledQuote = filledQuote;
      order.status = remaining < quantity ? 'PARTIALLY_FILLED' : 'NEW';
      order.updatedAt = updatedAt ?? createdAt;
      if (terms !== undefined && terms !== null) {
        order.stopPrice = terms.stopPrice;
        order.trailingDelta = terms.trailingDelta;
        order.workingTime = terms.workingTime;
        order.listId = terms.listId;
        order.listClientId = terms.listClientId ?? null;
      }
      book.side(side === 'BUY').append(order);
      orders.push(order);
    }
    for (const [
      id,
      accountId,
      side,
      orderType,
      timeInForce,
      stp,
      price,
      quantity,
      quoteQuantity,
      stopPrice,
      trailingDelta,
      locked,
      trailRef,
      tracking,
      clientOrderId,
      createdAt,
      listId,
      updatedAt,
    ] of m.waiting ?? []) {
      const order = pool.acquire(
        id,
        ledger.accountFor(accountId),
        m.symbol,
        {
          side,
          orderType,
          timeInForce,
          postOnly: false,
          selfTradePrevention: stp,
          price,
          quantity,
          quoteQuantity,
          clientOrderId,
        },
        createdAt,
      );
      order.stopPrice = stopPrice;
      order.trailingDelta = trailingDelta;
      order.locked = locked;
      order.trailRef = trailRef;
      order.tracking = tracking;
      order.listId = listId;
      order.updatedAt = updatedAt ?? createdAt;
      order.workingTime = -1;
      book.stops.add(order);
      const index = book.market.index;
      order.account.waitingIn[index] = (order.account.waitingIn[index] ?? 0) + 1;
      orders.push(order);
    }
    book.lastPrice = m.lastPrice ?? 0;
    book.stopsSawTradeId = m.stopsSawTradeId ?? m.lastTradeId;
  }
  // Accounts list their open orders in creation order, which is id order.
  orders.sort((a, b) => a.id - b.id);
  for (const order of orders) {
    order.account.addOpen(order, (registry.market(order.market) as { index: number }).index);
  }
  const byId = new Map(orders.map((o) => [o.id, o]));
  const lists = (snapshot.lists ?? []).map(([id, clientListId, aboveId, belowId, locked]) => {
    const above = byId.get(aboveId);
    const below = byId.get(belowId);
    if (above === undefined || below === undefined) throw new Error(`snapshot list ${id} lacks its orders`);
    const list = new OrderList(id, clientListId, above, below, locked);
    above.list = list;
    below.list = list;
    above.listClientId = clientListId;
    below.listClientId = clientListId;
    return list;
  });
  return {
    lastSeq: snapshot.lastSeq,
    lastTime: snapshot.lastTime,
    lastOrderId: snapshot.lastOrderId ?? snapshot.lastSeq,
    orders,
    lists,
  };
}
