/**
 * The fence across a Redis that lost its data (integration: a private redis-server
 * that this file restarts, and a scratch PostgreSQL database). Redis here keeps
 * nothing on disk, so after a restart its token counter starts again at 1: the token
 * must still outgrow every token the journal has seen, and the deposed engine's late
 * write must still be refused.
 */
import { randomUUID } from 'node:crypto';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import type { Reply } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { FencedOutError, Journal, type JournalEntry, JournalFence } from '../../src/runtime/journal/index.js';
import { Lease } from '../../src/runtime/lease/index.js';
import { createJournalDatabase, type JournalDatabase } from './journal-database.js';

let db: JournalDatabase;
let redis: PrivateServer;
const clients: Redis[] = [];

beforeAll(async () => {
  db = await createJournalDatabase();
  redis = await startPrivateRedis();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis.stop();
  await db.drop();
});

function engineLease(key: string): Lease {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  clients.push(client);
  return new Lease({
    redis: client,
    key,
    ttlMs: 2_000,
    pollIntervalMs: 20,
    fence: new JournalFence(db.pool),
  });
}

function entry(seq: number): JournalEntry {
  const requestId = randomUUID();
  const reply: Reply = { ok: false, requestId, seq, time: seq, code: 'INSUFFICIENT_FUNDS', message: 'x' };
  return {
    seq,
    requestId,
    accountId: 'alice',
    time: seq,
    applied: true,
    command: { type: 'DEPOSIT', requestId, accountId: 'alice', asset: 'USDC', amount: '1' },
    reply,
  };
}

describe('the fence across a Redis that lost its data (integration)', () => {
  it('gives the next engine a larger token and refuses the deposed engine’s late write', async () => {
    const journal = new Journal(db.pool);
    const key = `fence-test:${randomUUID()}`;
    // Earlier life of the exchange: tokens well above what an empty Redis will count to.
    await db.pool.query('UPDATE engine_fence SET fencing_token = 41');

    const first = engineLease(key);
    const firstToken = await first.acquire();
    expect(firstToken).toBe(42);
    await journal.append([entry(1)], { fence: { token: firstToken, publishedSeq: 0 } });

    // Redis restarts empty: the lease and its token counter are gone.
    await redis.restart();

    const second = engineLease(key);
    const secondToken = await second.acquire();
    expect(secondToken).toBeGreaterThan(firstToken);
    await journal.append([entry(2)], { fence: { token: secondToken, publishedSeq: 1 } });

    // The deposed engine wakes up and writes with its old token: nothing is written.
    await expect(
      journal.append([entry(3)], { fence: { token: firstToken, publishedSeq: 2 } }),
    ).rejects.toBeInstanceOf(FencedOutError);
    const { rows } = await db.pool.query<{ seq: string }>('SELECT seq FROM engine_journal ORDER BY seq');
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2]);

    // Redis's counter was raised to the durable token, so the two stay in step.
    const admin = new Redis(redis.url);
    clients.push(admin);
    expect(Number(await admin.get(`${key}:token`))).toBe(secondToken);
    await second.release();
  });

  it('raises the fence at acquisition, before the new engine writes anything', async () => {
    const journal = new Journal(db.pool);
    const key = `fence-test:${randomUUID()}`;
    const first = engineLease(key);
    const firstToken = await first.acquire();
    await first.release();
    const second = engineLease(key);
    await second.acquire();
    await expect(
      journal.append([entry(10)], { fence: { token: firstToken, publishedSeq: 0 } }),
    ).rejects.toBeInstanceOf(FencedOutError);
    await second.release();
  });
});
