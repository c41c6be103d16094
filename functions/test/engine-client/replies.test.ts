/**
 * The per-instance reply inbox on a Redis server of this file's own: one subscription,
 * replies dispatched by request id to the requests waiting for them, a timeout as
 * "pending", and the same inbox working again after Redis restarts under it.
 */
import { randomBytes } from 'node:crypto';
import { type PrivateServer, startPrivateRedis } from '@exchange/local-services';
import type { Reply } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { keys } from '../../src/db/redis.js';
import { closeReplies, replyInbox, sendAndAwaitReply } from '../../src/engine-client/replies.js';

let server: PrivateServer;
let engine: Redis;
beforeAll(async () => {
  server = await startPrivateRedis();
  process.env.REDIS_URL = server.url;
  process.env.REDIS_PREFIX = `test-${randomBytes(6).toString('hex')}:`;
  engine = new Redis(server.url);
});
afterAll(async () => {
  await closeReplies();
  engine.disconnect();
  await server.stop();
});

const rejection = (requestId: string): Reply => ({
  ok: false,
  requestId,
  seq: 0,
  time: 1,
  code: 'INSUFFICIENT_FUNDS',
  message: 'insufficient funds',
});

/** What the engine does: publish the reply on the inbox the command named. */
const publishReply = (inbox: string, reply: Reply) =>
  engine.publish(keys().replies(inbox), JSON.stringify(reply));

it('subscribes once, and hands each reply to the request waiting for its id', async () => {
  // Prepare
  const inbox = await replyInbox();
  const ids = Array.from({ length: 20 }, (_, i) => `r-${i}`);

  // Act: twenty requests in flight; the engine answers them in reverse order
  const waiting = ids.map((id) => sendAndAwaitReply(id, async () => {}, 10_000));
  for (const id of [...ids].reverse()) await publishReply(inbox, rejection(id));
  const replies = await Promise.all(waiting);

  // Assess
  expect(replies.map((r) => r?.requestId)).toEqual(ids);
  expect(await replyInbox()).toBe(inbox);
  expect(await engine.pubsub('NUMSUB', keys().replies(inbox))).toEqual([keys().replies(inbox), 1]);
});

it('answers undefined (pending) when no reply comes in time, and ignores replies nobody waits for', async () => {
  // Prepare
  const inbox = await replyInbox();

  // Act
  await publishReply(inbox, rejection('nobody-waits'));
  const late = await sendAndAwaitReply('never-answered', async () => {}, 50);

  // Assess
  expect(late).toBeUndefined();
});

it('keeps the same inbox working after Redis restarts (ioredis subscribes again)', async () => {
  // Prepare
  const inbox = await replyInbox();
  await server.restart();
  engine.disconnect();
  engine = new Redis(server.url);
  while (((await engine.pubsub('NUMSUB', keys().replies(inbox))) as [string, number])[1] === 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  // Act
  const reply = await sendAndAwaitReply(
    'after-restart',
    () => publishReply(inbox, rejection('after-restart')).then(() => {}),
    10_000,
  );

  // Assess
  expect(reply?.requestId).toBe('after-restart');
  expect(await replyInbox()).toBe(inbox);
});
