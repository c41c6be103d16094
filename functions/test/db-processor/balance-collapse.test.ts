/**
 * Two balance events of one account and asset in one batch: the batch upserts the
 * balance once, with the event of the highest sequence, and the ledger keeps both.
 */
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import type { BalanceEvent } from '@exchange/protocol';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { rowsOf } from '../../src/db-processor/rows.js';
import { recordsOf } from './engine-stream.js';
import { processAll } from './tables.js';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
});
afterAll(() => db.drop());

const balance = (seq: number, available: string, availableDelta: string): BalanceEvent => ({
  type: 'BALANCE',
  seq,
  time: 1_735_689_600_000 + seq,
  accountId: 'acc-1',
  asset: 'USDC',
  available,
  locked: '0.000000',
  availableDelta,
  lockedDelta: '0.000000',
  cause: 'DEPOSIT',
});

// Newest first in the record, so the collapse cannot rely on arrival order.
const deposits = [balance(7, '150.000000', '50.000000'), balance(5, '100.000000', '100.000000')];

describe('balance collapse per batch', () => {
  it('makes one balances row per account and asset, with the highest sequence', () => {
    // Act
    const rows = rowsOf(deposits);

    // Assess
    expect(rows.balances).toEqual([
      {
        account_id: 'acc-1',
        asset: 'USDC',
        available: '150.000000',
        locked: '0.000000',
        seq: 7,
        time: deposits[0]?.time,
      },
    ]);
    expect(rows.balanceChanges.map((c) => c.seq)).toEqual([5, 7]);
  });

  it('stores the newest balance and both ledger rows, and a redelivery changes nothing', async () => {
    // Prepare
    const body = JSON.stringify(deposits);
    const records = recordsOf([
      {
        groupId: 'account:acc-1',
        deduplicationId: '5-7',
        body,
        bytes: Buffer.byteLength(body),
        first: 5,
        last: 7,
      },
    ]);

    // Act
    await processAll(db.pool, records);
    await processAll(db.pool, records);

    // Assess
    const current = await db.pool.query(
      `SELECT account_id, asset, available::text, locked::text, seq::int FROM balances`,
    );
    const ledger = await db.pool.query(
      `SELECT seq::int, available_delta::text, available::text FROM balance_changes ORDER BY seq`,
    );
    expect(current.rows).toEqual([
      { account_id: 'acc-1', asset: 'USDC', available: '150.000000', locked: '0.000000', seq: 7 },
    ]);
    expect(ledger.rows).toEqual([
      { seq: 5, available_delta: '100.000000', available: '100.000000' },
      { seq: 7, available_delta: '50.000000', available: '150.000000' },
    ]);
  });
});
