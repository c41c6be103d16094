/**
 * End to end under faults: the whole exchange, as `npm start` runs it, on its own
 * Redis and PostgreSQL, with market makers, careful traders and a WebSocket client
 * running while the engine, the fan-out, the market makers and the DB processor are
 * SIGKILLed and PostgreSQL and Redis are restarted, one after another. Each fault must
 * heal by itself; at the end every accepted order exists exactly once, nothing stays
 * locked after cancel-all, the API agrees with the ledger, funds are conserved, the
 * stream-kept book equals the REST book, and no answer was a 5xx other than 503.
 *
 * `npm run bench:chaos` runs the same scenario with longer phases and several rounds,
 * and measures the recovery times.
 */
import { type ChaosResult, describeOutcome, runChaos } from './scenario.js';

// About 2½ minutes when every fault heals; every wait has a deadline, so at most about 10.
jest.setTimeout(600_000);

let result: ChaosResult;

beforeAll(async () => {
  result = await runChaos({
    steadyMs: 3_000,
    healDeadlineMs: 25_000,
    watchMs: 65_000,
    settleMs: 45_000,
    rounds: 1,
    traders: 4,
    traderPauseMs: 150,
    log: () => {},
  });
});

/** The run's story, printed with any failure. */
function story(): string {
  return [
    ...result.faults.map(describeOutcome),
    `orders: ${JSON.stringify(result.orders.fates)}; http: ${JSON.stringify(result.http.byStatus)}`,
    `stream: ${JSON.stringify(result.stream)}`,
    '--- exchange log (tail) ---',
    ...result.logTail.slice(-40),
  ].join('\n');
}

describe('the whole exchange under faults', () => {
  it('heals by itself from every fault: the component is back, orders, history and trades flow again', () => {
    const unhealed = result.faults.filter((f) => !f.healed).map(describeOutcome);
    expect({ unhealed, story: unhealed.length === 0 ? '' : story() }).toEqual({ unhealed: [], story: '' });
  });

  it('applies every accepted order exactly once', () => {
    expect(result.orders.fates.accepted ?? 0).toBeGreaterThan(0);
    expect({ lost: result.orders.lost, doubled: result.orders.doubled }).toEqual({ lost: [], doubled: [] });
  });

  it('answers no 5xx other than 503', () => {
    expect({ count: result.http.serverErrors, samples: result.http.samples }).toEqual({
      count: 0,
      samples: [],
    });
  });

  it('leaves nothing locked after cancel-all, and the API agrees with the ledger', () => {
    expect(result.checks.lockedAfterCancelAll).toEqual([]);
    expect(result.checks.apiAgainstLedger).toEqual([]);
  });

  it('conserves funds across every account, fees in the fee account', () => {
    expect(result.checks.conservation).toEqual([]);
  });

  it('keeps a book from depth diffs that equals the REST depth, and sends each trade once', () => {
    expect(result.stream.trades).toBeGreaterThan(0);
    expect(result.checks.book).toEqual([]);
    expect(result.stream.repeatedTrades).toBe(0);
  });
});
