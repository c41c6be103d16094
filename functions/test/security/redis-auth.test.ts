/**
 * Redis with AUTH, on a private `redis-server` of the test's own that requires a
 * password (as a Redis the local stack starts does, and ElastiCache with an AUTH token):
 * a client without the password is refused, and the functions' shared client, given
 * the URL with the password, runs the admission script as in production.
 */
import { connect } from 'node:net';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import { Redis } from 'ioredis';
import { closeRedis, redis, redisOptions } from '../../src/db/redis.js';
import { admitIp } from '../../src/http/admission.js';

let server: PrivateServer;
beforeAll(async () => {
  server = await startPrivateRedis({ password: 'test-password-not-secret' });
  process.env.REDIS_URL = server.url;
});
afterAll(async () => {
  await closeRedis();
  delete process.env.REDIS_URL;
  await server.stop();
});

it('refuses a client without the password', async () => {
  // The bare protocol: a forged reply published without AUTH.
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write('PUBLISH replies:x forged\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', reject);
  });
  expect(answer).toMatch(/^-NOAUTH/);
});

it('serves the functions’ client that has it, admission script included', async () => {
  expect(server.url).toMatch(/^redis:\/\/:test-password-not-secret@127\.0\.0\.1:\d+/);
  const admission = await admitIp(redis(), { key: 'auth-test:ip', points: 2, windowMs: 10_000 }, 1);
  expect(admission.admitted).toBe(true);
});

it('takes the password from REDIS_AUTH_TOKEN, as in AWS (ElastiCache’s token from Secrets Manager)', async () => {
  const bare = `redis://127.0.0.1:${server.port}`;
  const client = new Redis(bare, redisOptions(false, { REDIS_AUTH_TOKEN: 'test-password-not-secret' }));
  const without = new Redis(bare, {
    ...redisOptions(false, {}),
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    expect(await client.ping()).toBe('PONG');
    await expect(without.ping()).rejects.toThrow(/NOAUTH/);
  } finally {
    client.disconnect();
    without.disconnect();
  }
});
