/**
 * The whole-exchange chaos scenario, shared by the test (`whole-exchange.test.ts`,
 * short phases) and the benchmark (`npm run bench:chaos`, longer phases and rounds):
 *
 * 1. a private Redis and PostgreSQL (they get restarted), and the exchange as `npm start`
 *    runs it on them, on free ports, market makers on;
 * 2. careful signed traders placing orders all the time (see `careful-trader.ts`) and a
 *    WebSocket client keeping the SOL_USDC book from `depth@` and counting `trades@`;
 * 3. each fault in turn (`faults.ts`), after a steady phase; a fault has healed once the
 *    killed component is up again with one more restart, an order sent after the fault
 *    got its 200, that order is in the order history, and the stream delivered a trade
 *    made after the fault;
 * 4. the proofs (`reconcile.ts`) once the traders stop.
 *
 * Nothing here asserts: the caller judges the {@link ChaosResult}.
 */
import { randomBytes } from 'node:crypto';
import { startPrivatePostgres, startPrivateRedis } from '@exchange/local-services';
import pg from 'pg';
import { type RunningExchange, startExchange } from '../../src/exchange/exchange.js';
import type { ComponentStatus } from '../../src/exchange/supervisor.js';
import { CarefulTrader, type OrderRecord } from './careful-trader.js';
import { type Answer, type ApiKeyPair, ChaosHttp, HttpTally, sleep, until } from './chaos-http.js';
import { FAULTS, type Fault, type FaultTarget } from './faults.js';
import { MarketStream } from './market-stream.js';
import {
  accountOrders,
  apiAgainstLedger,
  awaitHistory,
  bookAgainstRest,
  cancelAllAndCheckLocks,
  conservation,
  type OrderAccounting,
} from './reconcile.js';

const MARKET = 'SOL_USDC';
const SYMBOL = 'SOLUSDC';
/** The engine's fee account (engine-service/src/core/engine.ts `FEE_ACCOUNT_ID`). */
const FEE_ACCOUNT_ID = 'exchange:fees';

export interface ChaosOptions {
  /** Calm time before each fault (and before the end). */
  readonly steadyMs: number;
  /** A fault that has not healed after this long is reported as not healed. */
  readonly healDeadlineMs: number;
  /**
   * How long to keep watching a fault (at least `healDeadlineMs`): one that heals late
   * gets its real recovery time, and the next fault starts on a healthy system.
   */
  readonly watchMs: number;
  /** Time each end-of-run proof may wait for the system to settle (history, cancels, ledger). */
  readonly settleMs: number;
  /** Passes over the fault list. */
  readonly rounds: number;
  /** Traders, half buying and half selling. */
  readonly traders: number;
  /** Pause of each trader between two orders. */
  readonly traderPauseMs: number;
  /** Names of the faults to inject (default all, in {@link FAULTS} order). */
  readonly faults?: readonly string[];
  readonly log: (line: string) => void;
}

/** Time (ms after injection) at which each sign of health was first seen. */
export interface HealSigns {
  component?: number;
  orders?: number;
  history?: number;
  trades?: number;
}

export interface FaultOutcome {
  readonly name: string;
  readonly round: number;
  readonly healed: boolean;
  /** Until the last sign of health, when all were seen (late ones too). */
  readonly recoverMs?: number;
  readonly signs: HealSigns;
  /** The component's restart count before and after (component faults). */
  readonly restarts?: readonly [number, number | undefined];
  /** Why it was not healed, or what the injection threw. */
  readonly problem?: string;
}

export interface ChaosResult {
  readonly faults: readonly FaultOutcome[];
  readonly orders: OrderAccounting & { readonly fates: Readonly<Record<string, number>> };
  readonly http: {
    readonly byStatus: Readonly<Record<string, number>>;
    readonly serverErrors: number;
    /** 5xx answers other than 503 by the phase they came in (a fault's name, `steady`, `end`). */
    readonly serverErrorsByPhase: Readonly<Record<string, number>>;
    readonly samples: readonly string[];
  };
  readonly stream: {
    readonly connects: number;
    readonly drops: number;
    readonly trades: number;
    /** Trades received again (an id already received). */
    readonly repeatedTrades: number;
    readonly gaps: number;
  };
  /** Each proof's problems; every list empty when the exchange kept its promises. */
  readonly checks: {
    readonly lockedAfterCancelAll: readonly string[];
    readonly apiAgainstLedger: readonly string[];
    readonly conservation: readonly string[];
    readonly book: readonly string[];
  };
  /** The exchange's last log lines, for a failure message. */
  readonly logTail: readonly string[];
}

/** Runs the scenario start to end; always stops what it started. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  const output: string[] = [];
  let phase = 'start';
  const tally = new HttpTally(() => phase);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const step of cleanups.reverse())
      await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    // 1. servers and the exchange
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const postgres = await startPrivatePostgres();
    cleanups.push(() => postgres.stop());
    log(`private redis ${redis.url}, postgres ${postgres.url}`);
    const exchange = await startExchange({
      ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0 },
      ui: false,
      marketMakers: true,
      env: {
        REDIS_PREFIX: `chaos-${randomBytes(4).toString('hex')}:`,
        MM_SEED: '7',
        MM_MARKETS: SYMBOL,
        MM_REFRESH_MS: '1000',
        TAKER_ORDERS_PER_MINUTE: '60',
      },
      services: { redisUrl: redis.url, databaseUrl: postgres.url },
      writer: (service) => (line) => {
        output.push(`${service} │ ${line}`);
        if (output.length > 400) output.shift();
      },
    });
    cleanups.push(() => exchange.close());
    const rest = exchange.urls.rest as string;
    log(`exchange up: ${rest}`);
    const http = new ChaosHttp(rest, tally);

    // 2. clients
    phase = 'steady';
    const traders = await startTraders(http, options, () => phase);
    cleanups.push(async () => {
      await Promise.all(traders.map((t) => t.stop()));
    });
    const stream = new MarketStream({ url: exchange.urls.websocket as string, http, market: MARKET, log });
    stream.start();
    cleanups.push(() => stream.stop());
    for (const trader of traders) trader.start();
    await sleep(options.steadyMs);

    // 3. the faults
    const target: FaultTarget = { exchange, redis, postgres };
    const chosen = FAULTS.filter((f) => options.faults === undefined || options.faults.includes(f.name));
    const outcomes: FaultOutcome[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const fault of chosen) {
        phase = fault.name;
        const outcome = await injectAndWatch(fault, round, target, traders, stream, options);
        outcomes.push(outcome);
        log(describeOutcome(outcome));
        if (outcome.signs.trades === undefined) {
          log('the stream stayed silent: reconnecting it so the next fault starts clean');
          stream.reconnect();
        }
        phase = 'steady';
        await sleep(options.steadyMs);
      }
    }

    // 4. the proofs
    phase = 'end';
    await Promise.all(traders.map((t) => t.stop()));
    log('traders stopped; reconciling');
    // Each proof gets its own time: the history may trail by a whole visibility timeout.
    const within = (ms: number) => Date.now() + ms;
    const stored = await awaitHistory(http, traders, SYMBOL, within(options.settleMs));
    const records = traders.flatMap((t) => t.orders);
    const merged = new Map<string, number>();
    for (const counts of stored.values()) for (const [id, n] of counts) merged.set(id, n);
    const orders = accountOrders(records, merged);
    const accounts = traders.map((t) => t.keys);
    const lockedAfterCancelAll = await cancelAllAndCheckLocks(
      http,
      accounts,
      SYMBOL,
      within(options.settleMs),
    );
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    cleanups.push(() => pool.end());
    const againstLedger = await apiAgainstLedger(http, pool, accounts, within(options.settleMs));
    const conserved = await conservation(pool, FEE_ACCOUNT_ID);
    const book = await bookAgainstRest(stream, within(20_000));

    return {
      faults: outcomes,
      orders: { ...orders, fates: countFates(records) },
      http: {
        byStatus: tally.toJSON(),
        serverErrors: tally.serverErrorCount,
        serverErrorsByPhase: Object.fromEntries(tally.serverErrorsByPhase),
        samples: tally.serverErrors,
      },
      stream: {
        connects: stream.connects,
        drops: stream.drops,
        trades: stream.trades,
        repeatedTrades: stream.repeatedTrades,
        gaps: stream.book.gaps,
      },
      checks: {
        lockedAfterCancelAll,
        apiAgainstLedger: againstLedger,
        conservation: conserved,
        book: book === undefined ? [] : [book],
      },
      logTail: output.slice(-80),
    };
  } catch (error) {
    const tail = output.slice(-60).join('\n');
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- exchange log ---\n${tail}`,
    );
  } finally {
    await cleanUp();
  }
}

/** Signs up and funds the traders (before any fault: a deposit is not idempotent across retries). */
async function startTraders(
  http: ChaosHttp,
  options: ChaosOptions,
  phase: () => string,
): Promise<CarefulTrader[]> {
  const traders: CarefulTrader[] = [];
  const deadline = Date.now() + 60_000;
  const ok = (a: Answer) => a.status === 200 || a.status === 201;
  for (let i = 0; i < options.traders; i++) {
    const signUp = await until(
      () => http.json('POST', '/api/v1/accounts', { label: `chaos-${i}` }),
      ok,
      deadline,
    );
    if (!ok(signUp)) throw new Error(`sign-up: HTTP ${signUp.status} ${JSON.stringify(signUp.body)}`);
    const keys = signUp.body as ApiKeyPair;
    for (const [asset, amount] of [
      ['USDC', '100000'],
      ['SOL', '1000'],
    ] as const) {
      const credit = await http.json('POST', '/api/v1/onramp', { asset, amount }, keys);
      if (!ok(credit)) throw new Error(`on-ramp: HTTP ${credit.status} ${JSON.stringify(credit.body)}`);
    }
    const trader = new CarefulTrader({
      http,
      keys,
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      symbol: SYMBOL,
      quantity: '0.050',
      fallbackPrice: '150.00',
      pauseMs: options.traderPauseMs,
      label: `t${i}`,
      phase,
    });
    traders.push(trader);
  }
  return traders;
}

/** Injects one fault and watches for every sign of health until all are seen or the deadline passes. */
async function injectAndWatch(
  fault: Fault,
  round: number,
  target: FaultTarget,
  traders: readonly CarefulTrader[],
  stream: MarketStream,
  options: ChaosOptions,
): Promise<FaultOutcome> {
  const { exchange } = target;
  const before =
    fault.component === undefined ? undefined : componentOf(await components(exchange), fault.component);
  const startedAt = Date.now();
  try {
    await fault.inject(target);
  } catch (error) {
    return {
      name: fault.name,
      round,
      healed: false,
      signs: {},
      problem: `injection failed: ${String(error)}`,
    };
  }
  const injectedAt = Date.now();
  const signs: HealSigns = {};
  let probe: { trader: CarefulTrader; clientOrderId: string } | undefined;
  let after: ComponentStatus | undefined;
  let nextLookUp = 0;
  const since = () => Date.now() - startedAt;
  while (Date.now() - startedAt < Math.max(options.watchMs, options.healDeadlineMs)) {
    if (signs.component === undefined) {
      const all = await components(exchange).catch(() => []);
      after = fault.component === undefined ? undefined : componentOf(all, fault.component);
      const back =
        fault.component === undefined
          ? all.length > 0 && all.every((c) => c.state === 'up' || c.state === 'stopped')
          : after?.state === 'up' && after.restarts >= (before?.restarts ?? 0) + 1;
      if (back) signs.component = since();
    }
    // Every trader, not just one: a message group stuck behind a dead consumer's
    // in-flight batch stalls one account while the others trade on.
    if (signs.orders === undefined && traders.every((t) => t.lastAccepted.sentAt >= injectedAt)) {
      signs.orders = since();
      const trader = traders[0] as CarefulTrader;
      probe = { trader, clientOrderId: trader.lastAccepted.clientOrderId };
    }
    if (signs.history === undefined && probe !== undefined && Date.now() >= nextLookUp) {
      nextLookUp = Date.now() + 1_000;
      if ((await probe.trader.lookUp(probe.clientOrderId)) === 'found') signs.history = since();
    }
    if (
      signs.trades === undefined &&
      stream.lastTrade.receivedAt >= injectedAt &&
      stream.lastTrade.time >= injectedAt
    )
      signs.trades = since();
    if (Object.keys(signs).length === 4) break;
    await sleep(200);
  }
  const all = Object.keys(signs).length === 4;
  const recoverMs = all ? Math.max(...Object.values(signs)) : undefined;
  const healed = recoverMs !== undefined && recoverMs <= options.healDeadlineMs;
  const late = (['component', 'orders', 'history', 'trades'] as const).filter(
    (k) => (signs[k] ?? Number.POSITIVE_INFINITY) > options.healDeadlineMs,
  );
  const state = after === undefined ? '' : ` (${after.name} ${after.state}, restarts ${after.restarts})`;
  return {
    name: fault.name,
    round,
    healed,
    ...(recoverMs === undefined ? {} : { recoverMs }),
    signs,
    ...(before === undefined ? {} : { restarts: [before.restarts, after?.restarts] as const }),
    ...(healed
      ? {}
      : {
          problem: `not seen within ${options.healDeadlineMs.toLocaleString('en-US')} ms: ${late.join(', ')}${state}${
            recoverMs === undefined ? '' : `; healed after ${recoverMs.toLocaleString('en-US')} ms`
          }`,
        }),
  };
}

async function components(exchange: RunningExchange): Promise<readonly ComponentStatus[]> {
  return (await exchange.status()).components;
}

function componentOf(all: readonly ComponentStatus[], name: string): ComponentStatus | undefined {
  return all.find((c) => c.name === name);
}

function countFates(records: readonly OrderRecord[]): Record<string, number> {
  const fates: Record<string, number> = {};
  for (const r of records) fates[r.fate] = (fates[r.fate] ?? 0) + 1;
  return fates;
}

/** One line per fault: `kill engine (round 1): healed in 3,210 ms (component 1,020, orders 2,900, …)`. */
export function describeOutcome(outcome: FaultOutcome): string {
  const signs = Object.entries(outcome.signs)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  const head = `${outcome.name} (round ${outcome.round})`;
  return outcome.healed
    ? `${head}: healed in ${outcome.recoverMs?.toLocaleString('en-US')} ms (${signs})`
    : `${head}: NOT healed — ${outcome.problem}${signs === '' ? '' : ` (seen: ${signs})`}`;
}
