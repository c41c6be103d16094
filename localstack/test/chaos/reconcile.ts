/**
 * The end-of-run proofs of the chaos scenario, each returning the problems it found
 * (an empty list when the invariant holds): every accepted order applied exactly once,
 * nothing locked after cancel-all, API balances equal to the PostgreSQL ledger, funds
 * conserved across all accounts with fees in the fee account, and the book a client
 * kept from the stream equal to the REST snapshot.
 */
import { compareDecimal } from '@exchange/protocol';
import type pg from 'pg';
import type { OrderRecord } from './careful-trader.js';
import { type ApiKeyPair, type ChaosHttp, sleep, until } from './chaos-http.js';
import { bookDifferences, type DepthSnapshot } from './local-book.js';
import type { MarketStream } from './market-stream.js';

/** Orders counted per phase: sent, accepted-but-missing (lost), present more than once (doubled). */
export interface PhaseOrders {
  placed: number;
  lost: number;
  doubled: number;
}

export interface OrderAccounting {
  readonly lost: readonly string[];
  readonly doubled: readonly string[];
  readonly byPhase: Readonly<Record<string, PhaseOrders>>;
}

/** Client order id → how many orders of the account carry it (from `GET /api/v3/allOrders`). */
export type StoredOrders = ReadonlyMap<string, number>;

/**
 * Lost: the client was told the order was taken (200, 202, found, or refused as a
 * duplicate) and the exchange has no such order. Doubled: the exchange holds more than
 * one order with one client order id (a retry placed a second order).
 */
export function accountOrders(records: readonly OrderRecord[], stored: StoredOrders): OrderAccounting {
  const lost: string[] = [];
  const doubled: string[] = [];
  const byPhase: Record<string, PhaseOrders> = {};
  for (const record of records) {
    const phase = byPhase[record.phase] ?? { placed: 0, lost: 0, doubled: 0 };
    byPhase[record.phase] = phase;
    phase.placed++;
    const count = stored.get(record.clientOrderId) ?? 0;
    if (isTaken(record) && count === 0) {
      lost.push(record.clientOrderId);
      phase.lost++;
    }
    if (count > 1) {
      doubled.push(`${record.clientOrderId} ×${count}`);
      phase.doubled++;
    }
  }
  return { lost, doubled, byPhase };
}

/** Whether the client was told the exchange has the order. */
function isTaken(record: OrderRecord): boolean {
  return record.fate === 'accepted' || record.fate === 'queued' || record.fate === 'found';
}

/** Every order of the account in a symbol, by client order id, paging `allOrders` by order id. */
export async function storedOrders(
  http: ChaosHttp,
  keys: ApiKeyPair,
  symbol: string,
  deadline: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let from = 1;
  for (;;) {
    const answer = await until(
      () => http.signed(keys, 'GET', '/api/v3/allOrders', { symbol, orderId: from, limit: 1000 }),
      (a) => a.status === 200,
      deadline,
    );
    if (answer.status !== 200)
      throw new Error(`allOrders: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    const page = answer.body as { orderId: number; clientOrderId: string }[];
    for (const order of page) counts.set(order.clientOrderId, (counts.get(order.clientOrderId) ?? 0) + 1);
    if (page.length < 1000) return counts;
    from = Math.max(...page.map((o) => o.orderId)) + 1;
  }
}

/** Waits until every order the clients saw taken is in the order history (the DB processor trails). */
export async function awaitHistory(
  http: ChaosHttp,
  traders: readonly { keys: ApiKeyPair; orders: readonly OrderRecord[] }[],
  symbol: string,
  deadline: number,
): Promise<Map<string, Map<string, number>>> {
  for (;;) {
    const stored = new Map<string, Map<string, number>>();
    let missing = 0;
    for (const trader of traders) {
      const counts = await storedOrders(http, trader.keys, symbol, deadline);
      stored.set(trader.keys.accountId, counts);
      missing += trader.orders.filter((o) => isTaken(o) && !counts.has(o.clientOrderId)).length;
    }
    if (missing === 0 || Date.now() >= deadline) return stored;
    await sleep(1_000);
  }
}

/** Cancels each account's open orders in the symbol; problems are accounts left with something locked. */
export async function cancelAllAndCheckLocks(
  http: ChaosHttp,
  accounts: readonly ApiKeyPair[],
  symbol: string,
  deadline: number,
): Promise<string[]> {
  for (const keys of accounts) {
    await until(
      () => http.signed(keys, 'DELETE', '/api/v3/openOrders', { symbol }),
      // 200: cancelled; 202: queued; -2011: nothing was open.
      (a) =>
        a.status === 200 ||
        a.status === 202 ||
        (a.status === 400 && (a.body as { code?: number }).code === -2011),
      deadline,
    );
  }
  const problems: string[] = [];
  for (const keys of accounts) {
    const locked = async (): Promise<string[]> => {
      const balances = await apiBalances(http, keys, deadline);
      return balances.filter((b) => compareDecimal(b.locked, '0') !== 0).map((b) => `${b.asset} ${b.locked}`);
    };
    let left = await locked();
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(500);
      left = await locked();
    }
    if (left.length > 0) problems.push(`${keys.accountId} still has locked ${left.join(', ')}`);
  }
  return problems;
}

interface ApiBalance {
  readonly asset: string;
  readonly available: string;
  readonly locked: string;
}

async function apiBalances(http: ChaosHttp, keys: ApiKeyPair, deadline: number): Promise<ApiBalance[]> {
  const answer = await until(
    () => http.signed(keys, 'GET', '/api/v1/balances'),
    (a) => a.status === 200,
    deadline,
  );
  if (answer.status !== 200)
    throw new Error(`balances: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { balances: ApiBalance[] }).balances;
}

/** Differences between the API's balances (the engine's read models) and the ledger's, per account and asset. */
export async function apiAgainstLedger(
  http: ChaosHttp,
  pool: pg.Pool,
  accounts: readonly ApiKeyPair[],
  deadline: number,
): Promise<string[]> {
  for (;;) {
    const problems: string[] = [];
    for (const keys of accounts) {
      const api = await apiBalances(http, keys, deadline);
      const { rows } = await pool.query<{ asset: string; available: string; locked: string }>(
        `SELECT asset, sum(available_delta)::text AS available, sum(locked_delta)::text AS locked
         FROM balance_changes WHERE account_id = $1 GROUP BY asset`,
        [keys.accountId],
      );
      const ledger = new Map(rows.map((r) => [r.asset, r]));
      for (const b of api) {
        const row = ledger.get(b.asset) ?? { available: '0', locked: '0' };
        if (compareDecimal(row.available, b.available) !== 0 || compareDecimal(row.locked, b.locked) !== 0)
          problems.push(
            `${keys.accountId} ${b.asset}: API ${b.available}/${b.locked} ≠ ledger ${row.available}/${row.locked}`,
          );
      }
    }
    if (problems.length === 0 || Date.now() >= deadline) return problems;
    await sleep(1_000);
  }
}

/**
 * Conservation over every account the ledger knows: per asset, the changes made by
 * trading (everything but deposits and withdrawals) sum to zero; the balances table
 * equals the sum of the changes; and the fee account holds exactly the fees of the trades.
 */
export async function conservation(pool: pg.Pool, feeAccountId: string): Promise<string[]> {
  const problems: string[] = [];
  const external = `('DEPOSIT', 'WITHDRAW', 'SETTLE_WITHDRAWAL')`;
  const internal = await pool.query<{ asset: string; net: string }>(
    `SELECT asset, sum(available_delta + locked_delta)::text AS net FROM balance_changes
     WHERE cause NOT IN ${external} GROUP BY asset HAVING sum(available_delta + locked_delta) <> 0`,
  );
  for (const r of internal.rows) problems.push(`${r.asset}: trading created or destroyed ${r.net}`);
  const totals = await pool.query<{ asset: string; changes: string; balances: string }>(
    `SELECT c.asset, c.total::text AS changes, coalesce(b.total, 0)::text AS balances
     FROM (SELECT asset, sum(available_delta + locked_delta) AS total FROM balance_changes GROUP BY asset) c
     LEFT JOIN (SELECT asset, sum(available + locked) AS total FROM balances GROUP BY asset) b USING (asset)
     WHERE c.total <> coalesce(b.total, 0)`,
  );
  for (const r of totals.rows) problems.push(`${r.asset}: Σ balances ${r.balances} ≠ Σ changes ${r.changes}`);
  const fees = await pool.query<{ asset: string; fees: string; held: string }>(
    `WITH fees AS (
       SELECT split_part(market, '_', 1) AS asset, buyer_fee AS fee FROM trades
       UNION ALL SELECT split_part(market, '_', 2), seller_fee FROM trades),
     due AS (SELECT asset, sum(fee) AS total FROM fees GROUP BY asset),
     held AS (SELECT asset, sum(available + locked) AS total FROM balances WHERE account_id = $1 GROUP BY asset)
     SELECT asset, coalesce(due.total, 0)::text AS fees, coalesce(held.total, 0)::text AS held
     FROM due FULL JOIN held USING (asset) WHERE coalesce(due.total, 0) <> coalesce(held.total, 0)`,
    [feeAccountId],
  );
  for (const r of fees.rows) problems.push(`${r.asset}: fee account holds ${r.held}, trades paid ${r.fees}`);
  return problems;
}

/**
 * Compares a REST snapshot with the stream-kept book at the snapshot's update id (taking
 * snapshots until one lines up with a diff boundary, as the book moves between reads);
 * `undefined` when equal.
 */
export async function bookAgainstRest(stream: MarketStream, deadline: number): Promise<string | undefined> {
  let last = 'no snapshot lined up with the stream-kept book';
  while (Date.now() < deadline) {
    const answer = await stream.snapshot();
    if (answer.status === 200) {
      const rest = answer.body as DepthSnapshot;
      const waitUntil = Math.min(deadline, Date.now() + 3_000);
      while ((stream.book.lastUpdateId ?? 0) < rest.lastUpdateId && Date.now() < waitUntil) await sleep(100);
      const local = stream.book.viewAt(rest.lastUpdateId);
      if (local !== undefined) {
        const differences = bookDifferences(rest, local);
        return differences.length === 0
          ? undefined
          : `at update ${rest.lastUpdateId}: ${differences.join('; ')}`;
      } else {
        last = `the book never stood at update ${rest.lastUpdateId} (local at ${stream.book.lastUpdateId ?? 'none'})`;
      }
    }
    await sleep(200);
  }
  return last;
}
