/**
 * The per-IP rate limit through the emulator on real Redis: every request counts
 * against its source IP, public or signed, and the one past the limit gets 429 with
 * `Retry-After`. The limit is set low for this file only (read once per process).
 */
import { keys, redis } from '@exchange/functions/db/redis';
import { publicEndpoint } from '@exchange/functions/http/api';
import { type Harness, send, startHarness } from './harness.js';

process.env.RATE_LIMIT_IP_POINTS = '5';
process.env.RATE_LIMIT_IP_WINDOW_SECONDS = '60';

let stack: Harness;
beforeAll(async () => {
  stack = await startHarness(() => [
    { method: 'GET', path: '/api/v3/ping-probe', handler: publicEndpoint('v3', {}, () => ({})) },
    { method: 'GET', path: '/api/v1/ping-probe', handler: publicEndpoint('v1', {}, () => ({})) },
  ]);
});
afterAll(async () => {
  await stack.close();
  delete process.env.RATE_LIMIT_IP_POINTS;
  delete process.env.RATE_LIMIT_IP_WINDOW_SECONDS;
});

it('answers 429 with Retry-After once an IP has spent its budget, on both faces', async () => {
  // Act: five requests fit, across faces; the sixth and seventh do not.
  const allowed = [];
  for (let i = 0; i < 5; i++)
    allowed.push(await send(stack.api, { path: i % 2 ? '/api/v1/ping-probe' : '/api/v3/ping-probe' }));
  const v3 = await send(stack.api, { path: '/api/v3/ping-probe' });
  const v1 = await send(stack.api, { path: '/api/v1/ping-probe' });

  // Assess
  expect(allowed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  expect([v3.status, v3.body]).toEqual([
    429,
    {
      code: -1003,
      msg: 'Too much request weight used; current limit is 5 request weight per 60 SECOND. Please use WebSocket Streams for live updates to avoid polling the API.',
    },
  ]);
  expect([v1.status, v1.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
  for (const response of [v3, v1]) {
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }
  // The budget lives in the shared Redis, under this deployment's prefix.
  expect(Number(await redis().get(`${keys().prefix}rl:ip:127.0.0.1`))).toBeGreaterThanOrEqual(6);
  expect(stack.problems).toEqual([]);
});
