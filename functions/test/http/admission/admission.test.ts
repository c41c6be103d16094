/**
 * The admission scripts on a Redis server of this file's own (so `INFO commandstats`
 * counts only this file's commands): IP and key limits trip and reset with their
 * windows, a replayed signature is refused without spending the key's budget, a
 * refusal by a limit does not burn the signature, and each admission is one command.
 */
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import { Redis } from 'ioredis';
import { admitIp, admitSigned, type WindowSpec } from '../../../src/http/admission.js';

let server: PrivateServer;
let client: Redis;
beforeAll(async () => {
  server = await startPrivateRedis();
  client = new Redis(server.url);
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

let n = 0;
/** Fresh key names per test. */
function names() {
  n += 1;
  return { ip: `t${n}:rl:ip:10.0.0.1`, key: `t${n}:rl:key:K`, claim: (s: string) => `t${n}:sig:K:${s}` };
}
const window = (key: string, points: number, windowMs = 60_000): WindowSpec => ({ key, points, windowMs });

/** Calls of each command since the last `CONFIG RESETSTAT`. */
async function commandCounts(): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const counts: Record<string, number> = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts[name as string] = Number(calls);
  return counts;
}

/** Waits (polling, no fixed sleep) until `key` has expired. */
async function expired(key: string): Promise<void> {
  while ((await client.exists(key)) === 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('admitIp', () => {
  it('admits up to the limit, refuses past it with the time left, and admits again in the next window', async () => {
    // Prepare
    const { ip } = names();
    const spec = window(ip, 3, 300);

    // Act
    const within = [];
    for (let i = 0; i < 3; i++) within.push(await admitIp(client, spec, 1));
    const over = await admitIp(client, spec, 1);
    await expired(ip);
    const next = await admitIp(client, spec, 1);

    // Assess
    expect(within).toEqual([{ admitted: true }, { admitted: true }, { admitted: true }]);
    expect(over).toMatchObject({ admitted: false, refusal: 'ip' });
    expect(over.admitted === false && over.retryAfterMs > 0 && over.retryAfterMs <= 300).toBe(true);
    expect(next).toEqual({ admitted: true });
  });

  it('counts the weight, and counts nothing with a limit of 0', async () => {
    // Prepare
    const { ip } = names();

    // Act
    const heavy = await admitIp(client, window(ip, 10), 11);
    const unlimited = await admitIp(client, window(`${ip}:off`, 0), 1_000);

    // Assess
    expect(heavy).toMatchObject({ admitted: false, refusal: 'ip' });
    expect(unlimited).toEqual({ admitted: true });
    expect(await client.exists(`${ip}:off`)).toBe(0);
  });
});

describe('admitSigned', () => {
  it('claims the signature once: a replay is refused and spends no key budget', async () => {
    // Prepare
    const { ip, key, claim } = names();
    const signature = { key: claim('s1'), lifetimeMs: 5_000 };

    // Act
    const first = await admitSigned(client, window(ip, 100), window(key, 100), signature, 1);
    const replay = await admitSigned(client, window(ip, 100), window(key, 100), signature, 1);

    // Assess
    expect(first).toEqual({ admitted: true });
    expect(replay).toEqual({ admitted: false, refusal: 'replay', retryAfterMs: 0 });
    expect(await client.get(key)).toBe('1');
    expect(await client.get(ip)).toBe('2');
    const ttl = await client.pttl(signature.key);
    expect(ttl > 0 && ttl <= 5_000).toBe(true);
  });

  it('refuses past the key limit without burning the signature, which is accepted in the next window', async () => {
    // Prepare
    const { ip, key, claim } = names();
    const keyWindow = window(key, 2, 300);
    await admitSigned(client, window(ip, 100), keyWindow, { key: claim('a'), lifetimeMs: 5_000 }, 1);
    await admitSigned(client, window(ip, 100), keyWindow, { key: claim('b'), lifetimeMs: 5_000 }, 1);

    // Act
    const limited = await admitSigned(
      client,
      window(ip, 100),
      keyWindow,
      { key: claim('c'), lifetimeMs: 5_000 },
      1,
    );
    await expired(key);
    const retried = await admitSigned(
      client,
      window(ip, 100),
      keyWindow,
      { key: claim('c'), lifetimeMs: 5_000 },
      1,
    );

    // Assess
    expect(limited).toMatchObject({ admitted: false, refusal: 'key' });
    expect(retried).toEqual({ admitted: true });
  });

  it('checks the IP first: past its limit neither the key nor the signature is touched', async () => {
    // Prepare
    const { ip, key, claim } = names();

    // Act
    const refused = await admitSigned(
      client,
      window(ip, 1),
      window(key, 100),
      { key: claim('x'), lifetimeMs: 5_000 },
      2,
    );

    // Assess
    expect(refused).toMatchObject({ admitted: false, refusal: 'ip' });
    expect(await client.exists(key, claim('x'))).toBe(0);
  });

  it('takes the claim but counts nothing when limits are off (0 points)', async () => {
    // Prepare
    const { ip, key, claim } = names();

    // Act
    const out = await admitSigned(
      client,
      window(ip, 0),
      window(key, 0),
      { key: claim('z'), lifetimeMs: 5_000 },
      1,
    );

    // Assess
    expect(out).toEqual({ admitted: true });
    expect(await client.exists(ip, key)).toBe(0);
    expect(await client.exists(claim('z'))).toBe(1);
  });

  it('is one command per admission on the server (EVALSHA once the script is loaded)', async () => {
    // Prepare: a connection of its own, and the script loaded by a first call
    const measured = new Redis(server.url);
    const { ip, key, claim } = names();
    await admitSigned(
      measured,
      window(ip, 100),
      window(key, 100),
      { key: claim('warm'), lifetimeMs: 5_000 },
      1,
    );
    await admitIp(measured, window(ip, 100), 1);
    await client.config('RESETSTAT');

    // Act
    for (let i = 0; i < 10; i++) {
      await admitSigned(
        measured,
        window(ip, 100),
        window(key, 100),
        { key: claim(`s${i}`), lifetimeMs: 5_000 },
        1,
      );
    }
    for (let i = 0; i < 5; i++) await admitIp(measured, window(ip, 100), 1);
    const counts = await commandCounts();
    measured.disconnect();

    // Assess: 15 scripts, and only the commands they run inside; CONFIG and INFO are ours
    expect(counts.evalsha).toBe(15);
    expect(counts.eval).toBeUndefined();
    expect(counts.set).toBe(10);
    expect(counts.exists).toBe(10);
  });
});
