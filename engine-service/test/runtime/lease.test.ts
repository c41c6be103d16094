/**
 * Integration tests for the engine lease, against a real Redis (`ensureRedis()`).
 * Every test uses its own key. No test asserts on durations: each waits for the event
 * it is about (an acquisition, a loss) and the ttls only make those events come soon.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { Redis } from 'ioredis';
import { Lease, LeaseLostError, type LeaseOptions } from '../../src/runtime/lease/index.js';

/** Long enough that a busy test machine never misses a renewal by accident. */
const STEADY_TTL_MS = 2_000;
/** Short, for the tests that wait for a ttl to run out. */
const SHORT_TTL_MS = 300;
/**
 * Renewed every second: wide enough that a machine busy with other suites (the crash
 * test's engines) does not miss a renewal; 600 ms was not.
 */
const RENEWED_TTL_MS = 3_000;
const POLL_MS = 20;

let service: RunningService;
let admin: Redis;
let key: string;
const clients: Redis[] = [];
const leases: Lease[] = [];

beforeAll(async () => {
  service = await ensureRedis();
  admin = connect();
});

beforeEach(() => {
  key = `test:lease:${randomUUID()}`;
});

afterEach(async () => {
  for (const lease of leases.splice(0)) {
    if (lease.state !== 'acquiring') await lease.release().catch(() => false);
  }
  for (const client of clients.splice(0)) client.disconnect();
  await admin.del(key, `${key}:token`);
});

afterAll(async () => {
  admin.disconnect();
  await service.stop();
});

function connect(): Redis {
  return new Redis(service.url, { maxRetriesPerRequest: 1 });
}

/** A contender with its own connection, as a second engine task would have. */
function contender(options: Partial<LeaseOptions> = {}): { lease: Lease; client: Redis } {
  const client = connect();
  clients.push(client);
  const lease = new Lease({ redis: client, key, ttlMs: STEADY_TTL_MS, pollIntervalMs: POLL_MS, ...options });
  leases.push(lease);
  return { lease, client };
}

function nextLoss(lease: Lease): Promise<LeaseLostError> {
  return new Promise((resolve) => {
    const stop = lease.onLost((error) => {
      stop();
      resolve(error);
    });
  });
}

/** Settles to whether `promise` has resolved yet, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => true), Promise.resolve(pending)])) !== pending;
}

describe('Lease (integration, real Redis)', () => {
  it('grants the lease to one of two contenders; the other takes over only after release', async () => {
    // Prepare
    const first = contender({ holder: 'engine-a' }).lease;
    const second = contender({ holder: 'engine-b' }).lease;

    // Act
    const acquisitions = [first.acquire(), second.acquire()];
    const winnerIndex = await Promise.race(acquisitions.map((promise, index) => promise.then(() => index)));
    const [winner, loser] = winnerIndex === 0 ? [first, second] : [second, first];
    const loserAcquisition = acquisitions[1 - winnerIndex] as Promise<number>;
    await delay(10 * POLL_MS); // let the loser poll a few times

    // Assess: one holder, the other still waiting
    expect(winner.state).toBe('held');
    expect(loser.state).toBe('acquiring');
    expect(await isSettled(loserAcquisition)).toBe(false);
    const winnerToken = await winner.assertHeld();

    // Act: the winner steps down
    expect(await winner.release()).toBe(true);
    const loserToken = await loserAcquisition;

    // Assess
    expect(loserToken).toBeGreaterThan(winnerToken);
    expect(await loser.assertHeld()).toBe(loserToken);
    await expect(winner.assertHeld()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'not-held' });
  });

  it('lets a waiting engine take over when the holder stops renewing, and tells the old holder', async () => {
    // Prepare: the holder's connection dies, as when its task is killed or partitioned
    const holder = contender({ holder: 'engine-a', ttlMs: SHORT_TTL_MS });
    const waiter = contender({ holder: 'engine-b', ttlMs: SHORT_TTL_MS }).lease;
    const oldToken = await holder.lease.acquire();
    const lost = nextLoss(holder.lease);
    const takeover = waiter.acquire();

    // Act
    holder.client.disconnect();

    // Assess
    const loss = await lost;
    expect(loss).toBeInstanceOf(LeaseLostError);
    expect(loss.reason).toBe('unconfirmed');
    expect(loss.fencingToken).toBe(oldToken);
    expect(await takeover).toBeGreaterThan(oldToken);
    await expect(holder.lease.assertHeld()).rejects.toBe(loss);
    expect(() => holder.lease.confirmedToken()).toThrow(loss);
    expect(holder.lease.state).toBe('lost');
  });

  it('keeps renewing a held lease past its ttl', async () => {
    // Prepare
    const holder = contender({ ttlMs: RENEWED_TTL_MS }).lease;
    const waiter = contender({ ttlMs: RENEWED_TTL_MS }).lease;
    const token = await holder.acquire();
    const controller = new AbortController();
    const waiting = waiter.acquire({ signal: controller.signal });

    // Act: wait for several ttls
    await delay(3 * RENEWED_TTL_MS);

    // Assess
    expect(await holder.assertHeld()).toBe(token);
    expect(holder.confirmedToken()).toBe(token);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  }, 30_000);

  it('stops waiting when the signal aborts while a poll is in flight at Redis', async () => {
    // Prepare: the lease is held, so the waiter polls
    const holder = contender({ ttlMs: RENEWED_TTL_MS }).lease;
    const waiter = contender({ ttlMs: RENEWED_TTL_MS }).lease;
    await holder.acquire();
    const controller = new AbortController();

    // Act: abort in the same tick as the first poll is sent, before Redis answers it
    const waiting = waiter.acquire({ signal: controller.signal });
    controller.abort();

    // Assess
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('hands out strictly increasing fencing tokens across acquisitions by different holders', async () => {
    // Prepare
    const engines = [contender().lease, contender().lease, contender().lease];
    const tokens: number[] = [];

    // Act
    for (let round = 0; round < 9; round += 1) {
      const lease = engines[round % engines.length] as Lease;
      tokens.push(await lease.acquire());
      expect(lease.fencingToken).toBe(tokens.at(-1));
      await lease.release();
    }

    // Assess
    for (let index = 1; index < tokens.length; index += 1) {
      expect(tokens[index]).toBeGreaterThan(tokens[index - 1] as number);
    }
  });

  it('fences out a holder whose key was deleted: assertHeld throws and onLost fires', async () => {
    // Prepare
    const holder = contender().lease;
    const token = await holder.acquire();
    const lost = nextLoss(holder);

    // Act
    await admin.del(key);

    // Assess
    const error = await holder.assertHeld().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ reason: 'expired', fencingToken: token, key });
    expect(await lost).toBe(error);
    expect(holder.state).toBe('lost');
  });

  it('fences out a holder whose key another engine took: assertHeld throws and onLost fires', async () => {
    // Prepare: no renewal in between, so that only assertHeld can find out what happened
    const holder = contender({ holder: 'engine-a', ttlMs: 60_000, renewIntervalMs: 30_000 }).lease;
    const rival = contender({ holder: 'engine-b' }).lease;
    await holder.acquire();
    const lost = nextLoss(holder);

    // Act: the holder's key vanishes (e.g. a ttl ran out during a pause) and a rival acquires
    await admin.del(key);
    const rivalToken = await rival.acquire();

    // Assess
    await expect(holder.assertHeld()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'taken' });
    expect((await lost).reason).toBe('taken');
    expect(await rival.assertHeld()).toBe(rivalToken);
  });

  it('notices a lost key at the next renewal, before any assertHeld', async () => {
    // Prepare
    const holder = contender({ renewIntervalMs: 50 }).lease;
    await holder.acquire();
    const lost = nextLoss(holder);

    // Act
    await admin.set(key, 'someone-else');

    // Assess
    expect((await lost).reason).toBe('taken');
    await expect(holder.assertHeld()).rejects.toBeInstanceOf(LeaseLostError);
    expect(() => holder.confirmedToken()).toThrow(LeaseLostError);
  });

  it('refuses its token without asking Redis once the last confirmation is a ttl old, and tells onLost', async () => {
    // Prepare: a held lease, then an event-loop stall longer than the ttl (a GC pause),
    // so that no renewal could run in between
    const holder = contender({ ttlMs: 200, renewIntervalMs: 100 }).lease;
    const token = await holder.acquire();
    expect(holder.confirmedToken()).toBe(token);
    const lost = nextLoss(holder);
    const stalledUntil = performance.now() + 250;
    while (performance.now() < stalledUntil) {
      // stalled
    }

    // Act
    const error = (() => {
      try {
        return holder.confirmedToken();
      } catch (caught: unknown) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ reason: 'unconfirmed', fencingToken: token });
    expect(await lost).toBe(error);
    expect(holder.state).toBe('lost');
  });

  it('calls an onLost listener registered after the loss', async () => {
    // Prepare
    const holder = contender().lease;
    await holder.acquire();
    await admin.del(key);
    const error = await holder.assertHeld().catch((caught: unknown) => caught);

    // Act
    const late = await nextLoss(holder);

    // Assess
    expect(late).toBe(error);
  });

  it('does not delete another holder’s lease on release', async () => {
    // Prepare: the old holder's key vanished and a rival holds the lease now
    const old = contender({ holder: 'engine-a' }).lease;
    const rival = contender({ holder: 'engine-b' }).lease;
    await old.acquire();
    await admin.del(key);
    const rivalToken = await rival.acquire();

    // Act
    const deleted = await old.release();

    // Assess
    expect(deleted).toBe(false);
    expect(await admin.get(key)).toMatch(/^engine-b:/);
    expect(await rival.assertHeld()).toBe(rivalToken);
  });

  it('rejects acquire with the signal’s reason when aborted while waiting, leaving the lease to others', async () => {
    // Prepare
    const holder = contender().lease;
    const waiter = contender().lease;
    await holder.acquire();
    const controller = new AbortController();
    const waiting = waiter.acquire({ signal: controller.signal });
    await delay(5 * POLL_MS);
    const reason = new Error('SIGTERM');

    // Act
    controller.abort(reason);

    // Assess
    await expect(waiting).rejects.toBe(reason);
    expect(waiter.state).toBe('idle');
    await holder.release();
    expect(await admin.exists(key)).toBe(0);
    await expect(waiter.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await admin.exists(key)).toBe(0);
    await expect(waiter.acquire()).resolves.toBeGreaterThan(0);
  });

  it('rejects acquire while the lease is already held', async () => {
    // Prepare
    const lease = contender().lease;
    await lease.acquire();

    // Act and assess
    await expect(lease.acquire()).rejects.toMatchObject({ name: 'LeaseError' });
    expect(lease.state).toBe('held');
  });
});

describe('Lease options (unit)', () => {
  const redis = {} as Redis;

  it('rejects a renewal interval that is not below the ttl', () => {
    expect(() => new Lease({ redis, key: 'k', ttlMs: 300, renewIntervalMs: 300 })).toThrow(RangeError);
  });

  it('rejects a non-positive or fractional ttl and poll interval', () => {
    expect(() => new Lease({ redis, key: 'k', ttlMs: 0 })).toThrow(RangeError);
    expect(() => new Lease({ redis, key: 'k', pollIntervalMs: 1.5 })).toThrow(RangeError);
  });

  it('renews at a third of the ttl by default', () => {
    expect(new Lease({ redis, key: 'k', ttlMs: 900 }).renewIntervalMs).toBe(300);
  });
});
