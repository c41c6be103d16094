/**
 * The invariants `src/core/README.md` promises, each checked after every command of
 * random streams: conservation of funds, no negative balance, uncrossed books,
 * price-time priority, locked funds accounted for, rejections without effect, depth
 * diffs that rebuild the book, deterministic replay and snapshot restore.
 */
import { Engine } from '@exchange/engine-service/core';
import type { ExecutionResult } from '@exchange/protocol';
import fc from 'fast-check';
import { commandStream, MARKETS, RUNS, registry, type Step } from './arbitraries.js';
import {
  DiffBook,
  ExternalFlows,
  expectBooksNotCrossed,
  expectFillsInPriceTimePriority,
  expectFundsConserved,
  expectLockedMatchesCommitments,
  expectNoNegativeBalance,
  expectSame,
  restingOrders,
  stateOf,
} from './invariants.js';

function run(engine: Engine, steps: readonly Step[]): ExecutionResult[] {
  return steps.map(({ command, seq, time }) => engine.execute(command, seq, time));
}

describe('engine core invariants', () => {
  it('keeps every asset held, fee account included, equal to its supply and to deposits less completed withdrawals', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);
        const flows = new ExternalFlows();

        for (const step of steps) {
          // Act
          const result = engine.execute(step.command, step.seq, step.time);
          flows.record(step, result);

          // Assess
          expectFundsConserved(engine, flows);
        }
      }),
      RUNS,
    );
  });

  it('never lets a balance go negative or fractional', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);

        for (const { command, seq, time } of steps) {
          // Act
          engine.execute(command, seq, time);

          // Assess
          expectNoNegativeBalance(engine);
        }
      }),
      RUNS,
    );
  });

  it('never leaves a book crossed', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);

        for (const { command, seq, time } of steps) {
          // Act
          engine.execute(command, seq, time);

          // Assess
          expectBooksNotCrossed(engine);
        }
      }),
      RUNS,
    );
  });

  it("fills at the maker's resting price within the taker's limit, oldest order first at each price", () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);

        for (const step of steps) {
          const restingBefore = restingOrders(engine);

          // Act
          const result = engine.execute(step.command, step.seq, step.time);

          // Assess
          expectFillsInPriceTimePriority(step, result, restingBefore);
        }
      }),
      RUNS,
    );
  });

  it('keeps locked funds equal to what resting orders keep plus pending withdrawals', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);
        const flows = new ExternalFlows();

        for (const step of steps) {
          // Act
          const result = engine.execute(step.command, step.seq, step.time);
          flows.record(step, result);

          // Assess
          expectLockedMatchesCommitments(engine, flows);
        }
      }),
      RUNS,
    );
  });

  it('changes nothing and emits no event when it rejects a command', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);

        for (const { command, seq, time } of steps) {
          const before = stateOf(engine);

          // Act
          const result = engine.execute(command, seq, time);

          // Assess
          if (result.code !== null) {
            expectSame(
              { seq, events: result.events, state: stateOf(engine) },
              { seq, events: [], state: before },
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('publishes depth diffs that rebuild each book exactly, one update id at a time', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);
        const books = new Map<string, DiffBook>(MARKETS.map((m) => [m, new DiffBook()]));

        for (const { command, seq, time } of steps) {
          // Act
          const result = engine.execute(command, seq, time);
          const diffs = result.events.filter((e) => e.type === 'DEPTH');
          for (const diff of diffs) {
            const book = books.get(diff.market);
            if (book === undefined) throw new Error(`command ${seq} published a diff of ${diff.market}`);
            book.apply(diff);
          }

          // Assess
          expectSame(
            { seq, diffsPerMarket: new Set(diffs.map((d) => d.market)).size },
            { seq, diffsPerMarket: diffs.length },
          );
          for (const [market, book] of books) {
            expectSame(
              { market, book: book.view() },
              { market, book: engine.depth(market, Number.POSITIVE_INFINITY) },
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('replays the same stream to byte-identical results and state', () => {
    fc.assert(
      fc.property(commandStream(), (steps) => {
        // Prepare
        const first = new Engine(registry);
        const second = new Engine(registry);

        // Act
        const firstResults = JSON.stringify(run(first, steps));
        const secondResults = JSON.stringify(run(second, steps));

        // Assess
        expectSame(secondResults, firstResults);
        expectSame(JSON.stringify(second.snapshot()), JSON.stringify(first.snapshot()));
      }),
      RUNS,
    );
  });

  it('behaves after a snapshot is restored exactly as it would have gone on without one', () => {
    fc.assert(
      fc.property(commandStream(), fc.double({ min: 0, max: 1, noNaN: true }), (steps, cutAt) => {
        // Prepare
        const cut = Math.floor(cutAt * steps.length);
        const original = new Engine(registry);
        run(original, steps.slice(0, cut));
        const snapshot = JSON.stringify(original.snapshot());
        const restored = Engine.restore(registry, JSON.parse(snapshot));

        // Act
        const originalResults = JSON.stringify(run(original, steps.slice(cut)));
        const restoredResults = JSON.stringify(run(restored, steps.slice(cut)));

        // Assess
        expectSame(JSON.stringify(Engine.restore(registry, JSON.parse(snapshot)).snapshot()), snapshot);
        expectSame(restoredResults, originalResults);
        expectSame(JSON.stringify(restored.snapshot()), JSON.stringify(original.snapshot()));
      }),
      RUNS,
    );
  });
});

describe('engine core invariants with stop orders, OCO lists, amendments and cancel-replaces', () => {
  const stream = () => commandStream({ conditionalOrders: true });

  it('conserves funds, keeps balances whole and non-negative, books uncrossed and locks equal to open and waiting orders', () => {
    fc.assert(
      fc.property(stream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);
        const flows = new ExternalFlows();

        for (const step of steps) {
          // Act
          const result = engine.execute(step.command, step.seq, step.time);
          flows.record(step, result);

          // Assess
          expectFundsConserved(engine, flows);
          expectNoNegativeBalance(engine);
          expectBooksNotCrossed(engine);
          expectLockedMatchesCommitments(engine, flows);
        }
      }),
      RUNS,
    );
  });

  it('rejects without effect and publishes depth diffs that rebuild each book', () => {
    fc.assert(
      fc.property(stream(), (steps) => {
        // Prepare
        const engine = new Engine(registry);
        const books = new Map<string, DiffBook>(MARKETS.map((m) => [m, new DiffBook()]));

        for (const { command, seq, time } of steps) {
          const before = stateOf(engine);

          // Act
          const result = engine.execute(command, seq, time);

          // Assess
          if (result.code !== null) {
            expectSame(
              { seq, events: result.events, state: stateOf(engine) },
              { seq, events: [], state: before },
            );
          }
          for (const diff of result.events.filter((e) => e.type === 'DEPTH'))
            books.get(diff.market)?.apply(diff);
          for (const [market, book] of books) {
            expectSame(
              { market, book: book.view() },
              { market, book: engine.depth(market, Number.POSITIVE_INFINITY) },
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('replays to identical results, and a restored snapshot (waiting stops included) has the same future', () => {
    fc.assert(
      fc.property(stream(), fc.double({ min: 0, max: 1, noNaN: true }), (steps, cutAt) => {
        // Prepare
        const cut = Math.floor(cutAt * steps.length);
        const original = new Engine(registry);
        const replay = new Engine(registry);
        run(original, steps.slice(0, cut));
        const snapshot = JSON.stringify(original.snapshot());
        const restored = Engine.restore(registry, JSON.parse(snapshot));

        // Act
        const originalResults = JSON.stringify(run(original, steps.slice(cut)));
        const restoredResults = JSON.stringify(run(restored, steps.slice(cut)));
        run(replay, steps);

        // Assess
        expectSame(JSON.stringify(Engine.restore(registry, JSON.parse(snapshot)).snapshot()), snapshot);
        expectSame(restoredResults, originalResults);
        expectSame(JSON.stringify(restored.snapshot()), JSON.stringify(original.snapshot()));
        expectSame(JSON.stringify(replay.snapshot()), JSON.stringify(original.snapshot()));
      }),
      RUNS,
    );
  });
});
