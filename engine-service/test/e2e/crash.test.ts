/**
 * Crash test of the engine service: ≥ 20,000 commands from 200 accounts go to
 * `orders.fifo` (some sent twice, as a retrying client would) while the engine
 * process is SIGKILLed at seeded random moments and restarted at once, at least ten
 * times. Each new process waits for the dead one's lease to expire, recovers
 * (snapshot + journal) and goes on. Afterwards:
 * - every request id sent stands exactly once in the journal, and nothing else does;
 * - journal seqs are 1..N without a gap;
 * - a fresh core replaying the whole journal equals the newest snapshot plus the
 *   journal tail (what the engine itself recovers from);
 * - funds are conserved: per asset Σ(available + locked) = supply = deposits;
 * - `events.fifo` carries every command's persistence events in its group exactly as
 *   a replay of the journal makes them, each once — twice only when a restart
 *   republished it (a publication packs the batches it carries, and a republication
 *   packs its own range, so SQS's deduplication cannot tell them apart; the DB
 *   processor's writes are idempotent by sequence).
 *
 * Seed: CRASH_SEED (default below), printed with the outcome.
 */
import { randomBytes } from 'node:crypto';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import { createMarketRegistry, isRejection, mulberry32, toEngineCommand } from '@exchange/protocol';
import { Engine } from '../../src/core/index.js';
import { Journal, journalBatches } from '../../src/runtime/journal/journal.js';
import { recover } from '../../src/runtime/journal/recovery.js';
import { SnapshotStore } from '../../src/runtime/journal/snapshot-store.js';
import { eventsMessagesOf } from '../../src/runtime/publish/events-queue-publisher.js';
import type { JournaledCommand } from '../../src/runtime/publish/journaled-command.js';
import { createJournalDatabase, type JournalDatabase } from '../runtime/journal-database.js';
import { EngineProcess } from './engine-process.js';
import { planLoad } from './load.js';
import { CRASH_EVENTS_QUEUE, CRASH_ORDERS_QUEUE, EventsConsumer, messagesIn, produce } from './queues.js';

const SEED = Number(process.env.CRASH_SEED ?? 20_251_125);
const ACCOUNTS = 200;
const COMMANDS = 20_400;
const RETRY_RATE = 0.03;
const KILLS = 12;
const PRODUCE_MS = 35_000;
const DRAIN_TIMEOUT_MS = 90_000;

const registry = createMarketRegistry();
const tag = randomBytes(4).toString('hex');

let db: JournalDatabase;
let sqs: LocalSqs;
let redis: RunningService;
const engines: EngineProcess[] = [];

beforeAll(async () => {
  db = await createJournalDatabase();
  sqs = await startLocalSqs({ port: 0, queues: [CRASH_ORDERS_QUEUE, CRASH_EVENTS_QUEUE] });
  redis = await ensureRedis();
}, 60_000);

afterAll(async () => {
  await Promise.all(engines.map((e) => e.kill()));
  await sqs?.close();
  await redis?.stop();
  await db?.drop();
}, 60_000);

function startEngine(): EngineProcess {
  const engine = new EngineProcess(engines.length, {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: sqs.region,
    ORDERS_QUEUE: CRASH_ORDERS_QUEUE.name,
    EVENTS_QUEUE: CRASH_EVENTS_QUEUE.name,
    REDIS_PREFIX: `crash-${tag}:`,
    LEASE_KEY: `crash-${tag}:engine:lease`,
    LEASE_TTL_MS: '1000',
    SNAPSHOT_EVERY_COMMANDS: '1500',
    SQS_WAIT_SECONDS: '1',
    ENGINE_HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
  });
  engines.push(engine);
  return engine;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the engine service under SIGKILL', () => {
  it('applies every command exactly once, recovers the same state, conserves funds and loses no event', async () => {
    // Prepare
    const started = performance.now();
    const load = planLoad({
      seed: SEED,
      accounts: ACCOUNTS,
      commands: COMMANDS,
      retryRate: RETRY_RATE,
      registry,
    });
    const client = createSqsClient({ endpoint: sqs.endpoint, region: sqs.region });
    const ordersUrl = sqs.queueUrls[CRASH_ORDERS_QUEUE.name] as string;
    const eventsUrl = sqs.queueUrls[CRASH_EVENTS_QUEUE.name] as string;
    const consumer = new EventsConsumer(client, eventsUrl);
    const random = mulberry32(SEED ^ 0x5eed);
    const kills: {
      engine: number;
      afterMs: number;
      runningAfterMs: number | null;
      whileRunning: boolean;
      journaled: number;
    }[] = [];
    let failed = false;

    try {
      // Act: the load, and meanwhile SIGKILL + restart at random moments
      let producing = true;
      const producer = produce(client, ordersUrl, load.messages, PRODUCE_MS, () => failed).finally(() => {
        producing = false;
      });
      // Awaited below; if the test fails first, its end is not news.
      producer.catch(() => undefined);
      let engine = startEngine();
      while ((kills.length < KILLS || producing) && kills.length < KILLS * 2) {
        // Most kills hit an engine that runs (batches in hand); some hit one still
        // starting (booting, waiting for the lease, recovering).
        const fromStart = random() < 0.25;
        const delay = fromStart ? 200 + random() * 2_500 : 300 + random() * 4_700;
        if (!fromStart) await Promise.race([engine.running.catch(() => undefined), engine.exited]);
        await sleep(delay);
        if (!engine.alive) {
          const exit = JSON.stringify(await engine.exited);
          throw new Error(`engine ${engine.index} exited on its own (${exit}): ${engine.other.join('\n')}`);
        }
        const whileRunning = engine.runningAt !== null;
        const journaled = await journalCount();
        await engine.kill();
        kills.push({
          engine: engine.index,
          afterMs: Math.round(performance.now() - engine.startedAt),
          runningAfterMs: engine.runningAt === null ? null : Math.round(engine.runningAt - engine.startedAt),
          whileRunning,
          journaled,
        });
        engine = startEngine();
      }
      const production = await producer;

      // The last engine drains the queue.
      const health = await engine.running;
      const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
      let lastHealth: Record<string, unknown> = {};
      for (;;) {
        if (!engine.alive) throw new Error(`the last engine exited: ${JSON.stringify(await engine.exited)}`);
        lastHealth = (await (await fetch(health)).json()) as Record<string, unknown>;
        const done =
          Number(lastHealth.lastSeq) >= load.requestIds.length && (await messagesIn(client, ordersUrl)) === 0;
        if (done || performance.now() > drainDeadline) break;
        await sleep(250);
      }
      const stopped = await engine.stop(15_000);
      await consumer.finish();
      const leftInOrders = await messagesIn(client, ordersUrl);
      const leftInEvents = await messagesIn(client, eventsUrl);
      const deadLetters = await messagesIn(
        client,
        sqs.queueUrls[CRASH_ORDERS_QUEUE.deadLetterQueue.name] as string,
      );

      // Assess
      const restarts = engines.map((e) => e.recovered).filter((r) => r !== undefined);
      // Where a killed engine stopped journaling: the seq its successor recovered to.
      const crashSeqs = [...new Set(restarts.map((r) => Number(r.lastSeq)).filter((seq) => seq > 0))];
      const republished = engines.flatMap((e) => {
        const line = e.republished;
        return line === undefined ? [] : [{ from: Number(line.from), to: Number(line.to) }];
      });
      const assessment = await assess(load, consumer, crashSeqs, republished);
      const report = {
        seed: SEED,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        messages: load.messages.length,
        requestIds: load.requestIds.length,
        retries: load.retries,
        production,
        kills,
        recoveries: restarts.map((r) => ({
          lastSeq: r.lastSeq,
          snapshotSeq: r.snapshotSeq,
          replayed: r.replayed,
          ms: r.ms,
        })),
        lastHealth,
        stopped,
        leftInOrders,
        leftInEvents,
        deadLetters,
        eventsReceived: consumer.received.length,
        ...assessment.stats,
      };
      console.log(
        Object.entries(report)
          .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
          .join('\n'),
      );
      expect(kills.length).toBeGreaterThanOrEqual(10);
      expect(kills.filter((k) => k.whileRunning).length).toBeGreaterThanOrEqual(5);
      expect(stopped).toEqual({ code: 0, signal: null });
      expect({ leftInOrders, leftInEvents, deadLetters }).toEqual({
        leftInOrders: 0,
        leftInEvents: 0,
        deadLetters: 0,
      });
      expect(engines.flatMap((e) => e.errors.map((l) => `${e.index}: ${l.msg}`))).toEqual([]);
      expect(assessment.problems).toEqual({
        missingRequestIds: [],
        duplicateRequestIds: [],
        unknownRequestIds: [],
        seqGaps: [],
        snapshotRecoveryDiffers: false,
        fundsNotConserved: [],
        missingEvents: { count: 0, sample: [] },
        duplicateEvents: { count: 0, sample: [] },
        unexpectedEvents: { count: 0, sample: [] },
        eventBodiesDiffer: { count: 0, sample: [] },
      });
    } catch (error) {
      failed = true;
      consumer.stopNow();
      throw error;
    }
  }, 240_000);
});

async function journalCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM engine_journal');
  return Number(rows[0]?.n ?? 0);
}

function sample<T>(items: readonly T[]): { count: number; sample: T[] } {
  return { count: items.length, sample: items.slice(0, 10) };
}

async function assess(
  load: ReturnType<typeof planLoad>,
  consumer: EventsConsumer,
  crashSeqs: readonly number[],
  republished: readonly { from: number; to: number }[],
) {
  // Request ids and seqs
  const { rows } = await db.pool.query<{ seq: string; request_id: string }>(
    'SELECT seq, request_id FROM engine_journal ORDER BY seq',
  );
  const seen = new Map<string, number>();
  const seqGaps: { expected: number; found: number }[] = [];
  rows.forEach((row, i) => {
    seen.set(row.request_id, (seen.get(row.request_id) ?? 0) + 1);
    if (Number(row.seq) !== i + 1 && seqGaps.length < 10)
      seqGaps.push({ expected: i + 1, found: Number(row.seq) });
  });
  const sent = new Set(load.requestIds);
  const missingRequestIds = load.requestIds.filter((id) => !seen.has(id)).slice(0, 10);
  const duplicateRequestIds = [...seen].filter(([, n]) => n > 1).slice(0, 10);
  const unknownRequestIds = [...seen.keys()].filter((id) => !sent.has(id)).slice(0, 10);

  // Recovery: the whole journal vs newest snapshot + tail
  const journal = new Journal(db.pool);
  const snapshots = new SnapshotStore(db.pool);
  const fresh = await recover(registry, journal, null);
  const fromSnapshot = await recover(registry, journal, snapshots);
  const freshState = JSON.stringify(fresh.engine.snapshot());
  const snapshotRecoveryDiffers =
    fresh.lastSeq !== fromSnapshot.lastSeq || freshState !== JSON.stringify(fromSnapshot.engine.snapshot());

  // Funds: per asset, Σ(available + locked) = supply = deposits (nothing was settled)
  const fundsNotConserved: unknown[] = [];
  for (const asset of registry.assets) {
    let held = 0n;
    for (const account of fresh.engine.ledger.accounts.values()) {
      const b = account.balances[asset.index];
      if (b !== undefined) held += BigInt(b.available) + BigInt(b.locked);
    }
    const supply = BigInt(fresh.engine.ledger.supply[asset.index] as number);
    const deposited = load.deposited.get(asset.symbol) ?? 0n;
    if (held !== supply || supply !== deposited) {
      fundsNotConserved.push({
        asset: asset.symbol,
        held: String(held),
        supply: String(supply),
        deposited: String(deposited),
      });
    }
  }

  // Persistence events: each command's in its group, as a replay of the journal makes them
  const expected = new Map<string, string>();
  const replay = new Engine(registry);
  let withEvents = 0;
  const entries = [];
  for await (const entry of journal.readAfter(0)) entries.push(entry);
  for (const batch of journalBatches(entries, (e) => e.time)) {
    const executed: JournaledCommand[] = [];
    for (const entry of batch) {
      if (!entry.applied) continue;
      const command = toEngineCommand(entry.command, registry);
      if (isRejection(command)) throw new Error(`journal seq ${entry.seq} no longer converts`);
      const result = replay.execute(command, entry.seq, entry.time);
      if (result.events.some((e) => e.type !== 'DEPTH')) withEvents++;
      executed.push({ requestId: entry.requestId, accountId: command.accountId, result });
    }
    for (const m of eventsMessagesOf(executed, registry, Number.POSITIVE_INFINITY))
      for (const [seq, events] of bySeq(m.body)) expected.set(`${m.groupId}|${seq}`, events);
  }
  // What arrived, per command and delivery (the parts of a split message make one delivery)
  const deliveries: { groupId: string; bodies: string[] }[] = [];
  const partsOf = new Map<string, { groupId: string; bodies: string[] }>();
  for (const m of consumer.received) {
    const [base, part] = m.deduplicationId.split('.');
    if (part === undefined) {
      deliveries.push({ groupId: m.groupId, bodies: [m.body] });
      continue;
    }
    let delivery = partsOf.get(`${m.groupId}|${base}`);
    if (delivery === undefined) {
      delivery = { groupId: m.groupId, bodies: [] };
      partsOf.set(`${m.groupId}|${base}`, delivery);
      deliveries.push(delivery);
    }
    delivery.bodies.push(m.body);
  }
  const arrived = new Map<string, string[]>();
  for (const { groupId, bodies } of deliveries) {
    const events = JSON.stringify(bodies.flatMap((body) => JSON.parse(body) as unknown[]));
    for (const [seq, json] of bySeq(events)) {
      arrived.set(`${groupId}|${seq}`, [...(arrived.get(`${groupId}|${seq}`) ?? []), json]);
    }
  }
  const missing = [...expected.keys()].filter((key) => !arrived.has(key));
  const unexpected = [...arrived.keys()].filter((key) => !expected.has(key));
  const differ = [...arrived]
    .filter(([key, got]) => expected.has(key) && got.some((json) => json !== expected.get(key)))
    .map(([key]) => key);
  const seqOf = (key: string): number => Number(key.split('|')[1]);
  const wasRepublished = (seq: number): boolean => republished.some((r) => seq >= r.from && seq <= r.to);
  const duplicated = [...arrived].filter(([, got]) => got.length > 1).map(([key]) => key);
  // Where the missing ones are, by seq
  const missingSeqs = missing.map(seqOf).sort((a, b) => a - b);
  // A journal batch is at most 80 commands (eight receives of ten): the last one a killed
  // engine journaled is (crashSeq − 80, crashSeq].
  const nearCrash = (seq: number, crashSeq: number): boolean => seq > crashSeq - 80 && seq <= crashSeq;
  const missingByCrash = crashSeqs.map((crashSeq) => ({
    crashSeq,
    missingSeqs: missingSeqs.filter((seq) => nearCrash(seq, crashSeq)),
  }));
  const missingNotAtACrash = missingSeqs.filter((seq) => !crashSeqs.some((c) => nearCrash(seq, c)));

  return {
    stats: {
      journalRows: rows.length,
      snapshotSeq: fromSnapshot.snapshotSeq,
      replayedAfterSnapshot: fromSnapshot.replayed,
      commandsWithEvents: withEvents,
      commandsInEvents: expected.size,
      republished,
      deliveredAgainWhenRepublished: duplicated.length,
      missingEventsByCrash: missingByCrash,
      missingEventsNotAtACrash: missingNotAtACrash,
    },
    problems: {
      missingRequestIds,
      duplicateRequestIds,
      unknownRequestIds,
      seqGaps,
      snapshotRecoveryDiffers,
      fundsNotConserved,
      missingEvents: sample(missing),
      duplicateEvents: sample(duplicated.filter((key) => !wasRepublished(seqOf(key)))),
      unexpectedEvents: sample(unexpected),
      eventBodiesDiffer: sample(differ),
    },
  };
}

/** A JSON array of events, split by the `seq` of each run of them, each run as JSON. */
function bySeq(body: string): Map<number, string> {
  const runs = new Map<number, unknown[]>();
  for (const event of JSON.parse(body) as { seq: number }[]) {
    const run = runs.get(event.seq);
    if (run === undefined) runs.set(event.seq, [event]);
    else run.push(event);
  }
  return new Map([...runs].map(([seq, events]) => [seq, JSON.stringify(events)]));
}
