/**
 * The engine against a slow reference model written from the spec alone: same
 * results, same books, same balances and open orders after every command.
 *
 * Four stream families, so that a defect in market-order matching, one in the
 * filter codes, one in stops, lists, amendments and cancel-replaces, and one
 * anywhere else each fail their own test with their own counterexample, and a known
 * failure in one cannot hide a new one in another. Malformed orders are refused by
 * checks that read no state, so keeping them apart from market orders loses no
 * interaction worth having.
 */
import { Engine, FEE_ACCOUNT_ID } from '@exchange/engine-service/core';
import { ASSET_CONFIG, createMarketRegistry, MARKET_CONFIG, type MarketRegistry } from '@exchange/protocol';
import fc from 'fast-check';
import { ACCOUNTS, ASSETS, commandStream, MARKETS, RUNS, registry, type Step } from './arbitraries.js';
import { expectSame } from './invariants.js';
import { ReferenceModel } from './reference-model.js';

/**
 * Markets whose per-account caps a stream reaches now and then, so that
 * `MAX_NUM_ORDERS` and `MAX_NUM_ALGO_ORDERS` are decided too.
 */
const capped = createMarketRegistry(
  ASSET_CONFIG,
  MARKET_CONFIG.map((m) => ({ ...m, maxNumOrders: 8, maxNumAlgoOrders: 3 })),
);

/** Runs both, failing at the first command after which they disagree in any way. */
function expectEngineMatchesModel(markets: MarketRegistry): (steps: readonly Step[]) => void {
  return (steps) => {
    // Prepare
    const engine = new Engine(markets);
    const model = new ReferenceModel(markets, FEE_ACCOUNT_ID);

    for (const { seq, time, command } of steps) {
      // Act
      const actual = engine.execute(command, seq, time);
      const expected = model.execute(command, seq, time);

      // Assess
      expectSame({ command, result: { ...actual } }, { command, result: expected });
      expectSame(
        {
          seq,
          depth: MARKETS.map((m) => engine.depth(m, Number.POSITIVE_INFINITY)),
          balances: ACCOUNTS.map((a) => ASSETS.map((asset) => engine.balance(a, asset))),
          openOrders: ACCOUNTS.map((a) => engine.openOrders(a)),
        },
        {
          seq,
          depth: MARKETS.map((m) => model.depth(m)),
          balances: ACCOUNTS.map((a) => ASSETS.map((asset) => model.balance(a, asset))),
          openOrders: ACCOUNTS.map((a) => model.openOrders(a)),
        },
      );
    }
  };
}

describe('engine core against the reference model', () => {
  it('matches the model after every command of streams of limit orders, cancels and transfers', () => {
    fc.assert(
      fc.property(
        commandStream({ marketOrders: false, malformedOrders: false }),
        expectEngineMatchesModel(registry),
      ),
      RUNS,
    );
  });

  it('matches the model after every command of streams with market orders', () => {
    fc.assert(
      fc.property(commandStream({ malformedOrders: false }), expectEngineMatchesModel(registry)),
      RUNS,
    );
  });

  it('matches the model, rejection codes included, after every command of streams with malformed orders', () => {
    fc.assert(fc.property(commandStream({ marketOrders: false }), expectEngineMatchesModel(registry)), RUNS);
  });

  it('matches the model after every command of streams with stops, OCOs, amends and cancel-replaces', () => {
    fc.assert(
      fc.property(
        commandStream({ conditionalOrders: true, malformedOrders: false }),
        expectEngineMatchesModel(capped),
      ),
      RUNS,
    );
  }, 60_000);
});
