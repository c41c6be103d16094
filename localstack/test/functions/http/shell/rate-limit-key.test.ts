/**
 * The per-key rate limit through the emulator on real Redis: signed requests count
 * against their API key once authenticated, so forged requests cannot spend someone
 * else's budget, and one key's budget does not touch another's.
 */
import { signedEndpoint } from '@exchange/functions/http/api';
import { type Harness, send, signUp, startHarness } from './harness.js';

process.env.RATE_LIMIT_KEY_POINTS = '3';
process.env.RATE_LIMIT_KEY_WINDOW_SECONDS = '60';

let stack: Harness;
beforeAll(async () => {
  stack = await startHarness(() => [
    {
      method: 'GET',
      path: '/api/v3/account-probe',
      handler: signedEndpoint('v3', {}, ({ caller }) => caller),
    },
  ]);
});
afterAll(async () => {
  await stack.close();
  delete process.env.RATE_LIMIT_KEY_POINTS;
  delete process.env.RATE_LIMIT_KEY_WINDOW_SECONDS;
});

it('answers 429 with Retry-After once a key has spent its budget, and only for that key', async () => {
  // Prepare
  const alice = await signUp(stack.api);
  const bob = await signUp(stack.api);
  const forged = { apiKey: alice.apiKey, secretKey: bob.secretKey };

  // Act: forged requests first (refused, and not counted), then Alice's own.
  const forgeries = [];
  for (let i = 0; i < 5; i++)
    forgeries.push(await send(stack.api, { path: '/api/v3/account-probe', key: forged }));
  const allowed = [];
  for (let i = 0; i < 3; i++)
    allowed.push(await send(stack.api, { path: '/api/v3/account-probe', key: alice }));
  const limited = await send(stack.api, { path: '/api/v3/account-probe', key: alice });
  const bobStillServed = await send(stack.api, { path: '/api/v3/account-probe', key: bob });

  // Assess
  expect(forgeries.map((r) => [r.status, r.body.code])).toEqual(
    Array.from({ length: 5 }, () => [401, -1022]),
  );
  expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
  expect([limited.status, limited.body.code]).toEqual([429, -1003]);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(bobStillServed.status).toBe(200);
  expect(stack.problems).toEqual([]);
});
