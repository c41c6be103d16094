import type { Reply } from '@exchange/protocol';
import { createMarketRegistry } from '@exchange/protocol';
import { Engine } from '../../src/core/index.js';
import {
  DuplicateRequestError,
  ENGINE_MIGRATIONS_TABLE,
  Journal,
  type JournalEntry,
  journalBatches,
  migrateEngineDatabase,
  SequenceConflictError,
  SnapshotStore,
  Snapshotter,
  stringifyInSlices,
} from '../../src/runtime/journal/index.js';
import { createJournalDatabase, type JournalDatabase } from './journal-database.js';

let db: JournalDatabase;
let journal: Journal;

beforeAll(async () => {
  db = await createJournalDatabase();
  journal = new Journal(db.pool);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE engine_journal, engine_snapshots');
});

function entry(seq: number, requestId = `r-${seq}`): JournalEntry {
  const reply: Reply = {
    ok: false,
    requestId,
    seq,
    time: 1_000 + seq,
    code: 'INSUFFICIENT_FUNDS',
    message: 'x',
  };
  return {
    seq,
    requestId,
    accountId: 'alice',
    time: 1_000 + seq,
    applied: true,
    command: { type: 'DEPOSIT', requestId, accountId: 'alice', asset: 'USDC', amount: `${seq}` },
    reply,
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('migrations (integration)', () => {
  it('records the engine migrations in their own table and applies nothing the second time', async () => {
    const { rows } = await db.pool.query(`SELECT name FROM ${ENGINE_MIGRATIONS_TABLE}`);
    expect(rows.length).toBeGreaterThan(0);
    await expect(migrateEngineDatabase(db.url)).resolves.toEqual([]);
  });
});

describe('Journal (integration)', () => {
  it('appends a batch and finds replies by request id', async () => {
    await journal.append([entry(1), entry(2), entry(3)]);
    const found = await journal.findByRequestIds(['r-2', 'r-3', 'unknown']);
    expect([...found.keys()].sort()).toEqual(['r-2', 'r-3']);
    expect(found.get('r-2')).toEqual({ seq: 2, reply: entry(2).reply });
    await expect(journal.findByRequestIds([])).resolves.toEqual(new Map());
  });

  it('reports the last seq, 0 when empty', async () => {
    await expect(journal.lastSeq()).resolves.toBe(0);
    await journal.append([entry(7), entry(9)]);
    await expect(journal.lastSeq()).resolves.toBe(9);
  });

  it('reads every entry after a seq in order, across pages, with command, time and flag', async () => {
    await journal.append(Array.from({ length: 10 }, (_, i) => entry(i + 1)));
    const after3 = await collect(journal.readAfter(3, 3));
    expect(after3.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const { reply: _, ...expected } = entry(4);
    expect(after3[0]).toEqual(expected);
    const pages = await collect(journal.readPagesAfter(0, 4));
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    await expect(collect(journal.readAfter(10))).resolves.toEqual([]);
  });

  it('reads a journal with gaps in its seqs, whatever the page size', async () => {
    const seqs = [1, 2, 5, 9, 10, 11, 30];
    await journal.append(seqs.map((seq) => entry(seq)));
    for (const [pageSize, prefetch] of [
      [1, 1],
      [2, 2],
      [3, 4],
      [100, 2],
    ] as const) {
      const read = await collect(journal.readAfter(0, pageSize, prefetch));
      expect(read.map((e) => e.seq)).toEqual(seqs);
    }
    await expect(collect(journal.readAfter(5, 2))).resolves.toHaveLength(4);
  });

  it('also reads what is appended while reading', async () => {
    await journal.append(Array.from({ length: 6 }, (_, i) => entry(i + 1)));
    const seen: number[] = [];
    for await (const e of journal.readAfter(0, 2)) {
      seen.push(e.seq);
      if (e.seq === 3) await journal.append([entry(7), entry(8), entry(9)]);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('can stop reading early', async () => {
    await journal.append(Array.from({ length: 10 }, (_, i) => entry(i + 1)));
    const seen: number[] = [];
    for await (const e of journal.readAfter(0, 2)) {
      seen.push(e.seq);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('fails a whole batch holding a journaled request id and names it with its earlier outcome', async () => {
    await journal.append([entry(1, 'again')]);
    const error = await journal.append([entry(2), entry(3, 'again'), entry(4)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateRequestError);
    const duplicates = (error as DuplicateRequestError).duplicates;
    expect([...duplicates.keys()]).toEqual(['again']);
    expect(duplicates.get('again')).toEqual({ seq: 1, reply: entry(1, 'again').reply });
    await expect(journal.lastSeq()).resolves.toBe(1);
    await expect(journal.findByRequestIds(['r-2', 'r-4'])).resolves.toEqual(new Map());
  });

  it('refuses a batch repeating a request id before writing anything', async () => {
    const error = await journal.append([entry(1, 'twice'), entry(2, 'twice')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateRequestError);
    expect((error as DuplicateRequestError).duplicates).toEqual(new Map([['twice', undefined]]));
    await expect(journal.lastSeq()).resolves.toBe(0);
  });

  it('fails a batch reusing a journaled seq', async () => {
    await journal.append([entry(1)]);
    await expect(journal.append([entry(1, 'other')])).rejects.toBeInstanceOf(SequenceConflictError);
  });

  it('runs a fencing check inside the transaction, and rolls back when it throws', async () => {
    const fenced = new Error('lease lost');
    await expect(
      journal.append([entry(1)], {
        inTransaction: async () => {
          throw fenced;
        },
      }),
    ).rejects.toBe(fenced);
    await expect(journal.lastSeq()).resolves.toBe(0);
    let checked = false;
    await journal.append([entry(1)], {
      inTransaction: async (client) => {
        checked = (await client.query('SELECT 1 AS one')).rows[0].one === 1;
      },
    });
    expect(checked).toBe(true);
    await expect(journal.lastSeq()).resolves.toBe(1);
  });
});

describe('SnapshotStore (integration)', () => {
  const registry = createMarketRegistry();

  function engineAt(seq: number): Engine {
    const engine = new Engine(registry);
    engine.execute({ type: 'DEPOSIT', accountId: 'a', asset: 'USDC', amount: seq }, seq, seq);
    return engine;
  }

  it('loads nothing from an empty store', async () => {
    await expect(new SnapshotStore(db.pool).loadNewest()).resolves.toBeUndefined();
  });

  it('saves, loads the newest and keeps only the newest K', async () => {
    const store = new SnapshotStore(db.pool, { keep: 2 });
    for (const seq of [10, 30, 20]) await store.save(seq, engineAt(seq).snapshot());
    const newest = await store.loadNewest();
    expect(newest?.seq).toBe(30);
    expect(newest?.snapshot).toEqual(engineAt(30).snapshot());
    expect(newest?.takenAt).toBeInstanceOf(Date);
    await expect(store.list()).resolves.toEqual([30, 20]);
    await expect(store.prune(1)).resolves.toBe(1);
    await expect(store.list()).resolves.toEqual([30]);
  });

  it('keeps the first snapshot saved at a seq', async () => {
    const store = new SnapshotStore(db.pool);
    await store.save(5, engineAt(5).snapshot());
    await store.save(5, engineAt(6).snapshot());
    expect((await store.loadNewest())?.snapshot).toEqual(engineAt(5).snapshot());
  });
});

describe('journalBatches (unit)', () => {
  it('splits entries at every change of time, in order, a repeated time later included', () => {
    // Prepare
    const entries = [5, 5, 5, 6, 8, 8, 5].map((time, i) => ({ seq: i + 1, time }));

    // Act
    const batches = journalBatches(entries, (e) => e.time);

    // Assess
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[1, 2, 3], [4], [5, 6], [7]]);
    expect(journalBatches([], (e: { time: number }) => e.time)).toEqual([]);
  });
});

describe('stringifyInSlices (unit)', () => {
  it('gives exactly JSON.stringify, whatever the slice', async () => {
    const value = {
      a: [1, 'x', null, true],
      empty: [],
      skip: undefined,
      nested: [{ b: [[1, 2], [3]] }, { c: {} }],
      long: Array.from({ length: 1001 }, (_, i) => [i, `s${i}`, i % 2 === 0]),
    };
    for (const slice of [1, 7, 1000, 5000]) {
      await expect(stringifyInSlices(value, slice)).resolves.toBe(JSON.stringify(value));
    }
  });
});

describe('Snapshotter (unit)', () => {
  const registry = createMarketRegistry();

  /** A sink whose writes finish when the test says so. */
  function controlledSink() {
    const saved: number[] = [];
    const pending: (() => void)[] = [];
    return {
      saved,
      finishAll: () => {
        for (const finish of pending.splice(0)) finish();
      },
      save: (seq: number) =>
        new Promise<void>((resolve) => {
          pending.push(() => {
            saved.push(seq);
            resolve();
          });
        }),
      pendingCount: () => pending.length,
    };
  }

  it('snapshots every N commands, one write at a time', async () => {
    const sink = controlledSink();
    const clock = 0;
    const snapshotter = new Snapshotter(sink, { everyCommands: 10, everyMs: 1e9, now: () => clock });
    const engine = new Engine(registry);
    expect(snapshotter.afterApplied(engine, 9)).toBe(false);
    expect(snapshotter.afterApplied(engine, 10)).toBe(true);
    // Due again at 20, but the first write is still in flight.
    expect(snapshotter.afterApplied(engine, 25)).toBe(false);
    expect(sink.pendingCount()).toBe(1);
    sink.finishAll();
    await snapshotter.idle();
    expect(snapshotter.afterApplied(engine, 26)).toBe(true);
    sink.finishAll();
    await snapshotter.idle();
    expect(sink.saved).toEqual([10, 26]);
    expect(snapshotter.lastPauseMs).toBeGreaterThanOrEqual(0);
  });

  it('snapshots after T ms when commands came, never when idle', async () => {
    const sink = controlledSink();
    let clock = 0;
    const snapshotter = new Snapshotter(sink, {
      everyCommands: 1e9,
      everyMs: 1000,
      startSeq: 5,
      now: () => clock,
    });
    const engine = new Engine(registry);
    clock = 999;
    expect(snapshotter.afterApplied(engine, 6)).toBe(false);
    clock = 1000;
    expect(snapshotter.afterApplied(engine, 5)).toBe(false);
    expect(snapshotter.afterApplied(engine, 6)).toBe(true);
    sink.finishAll();
    await snapshotter.idle();
    expect(sink.saved).toEqual([6]);
  });

  it('tries again on the next call after a failed write', async () => {
    const errors: number[] = [];
    let fail = true;
    const saved: number[] = [];
    const snapshotter = new Snapshotter(
      {
        save: async (seq) => {
          if (fail) throw new Error('db down');
          saved.push(seq);
        },
      },
      { everyCommands: 100, everyMs: 1e9, onError: (_, seq) => errors.push(seq) },
    );
    const engine = new Engine(registry);
    expect(snapshotter.afterApplied(engine, 100)).toBe(true);
    await snapshotter.idle();
    fail = false;
    expect(snapshotter.afterApplied(engine, 101)).toBe(true);
    await snapshotter.idle();
    expect(errors).toEqual([100]);
    expect(saved).toEqual([101]);
  });
});
