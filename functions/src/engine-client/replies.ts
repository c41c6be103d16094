/**
 * Waiting for the engine's reply to one request: a shared Redis subscriber per
 * function instance, subscribed to `reply:{requestId}` before the command is sent
 * (so a fast engine cannot answer before anyone listens), unsubscribed after.
 */
import type { Reply } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL, keys } from '../db/redis.js';

let subscriber: Redis | undefined;
const waiting = new Map<string, (message: string) => void>();

function connection(): Redis {
  if (subscriber === undefined) {
    subscriber = new Redis(process.env.REDIS_URL || DEFAULT_REDIS_URL, { maxRetriesPerRequest: 2 });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => waiting.get(channel)?.(message));
  }
  return subscriber;
}

/**
 * Subscribes to the reply of `requestId`, runs `send`, and waits up to `timeoutMs`
 * for the reply.
 * @returns the engine's reply, or `undefined` when none came in time (the command is
 *   still processed exactly once; its effects show in the read models later)
 * @throws what `send` throws (nothing was enqueued then)
 */
export async function sendAndAwaitReply(
  requestId: string,
  send: () => Promise<void>,
  timeoutMs: number,
): Promise<Reply | undefined> {
  const channel = keys().reply(requestId);
  const redis = connection();
  let timer: NodeJS.Timeout | undefined;
  const reply = new Promise<Reply | undefined>((resolve) => {
    // The engine's own output on our own Redis: parsed, not re-validated (the hot path).
    waiting.set(channel, (message) => resolve(JSON.parse(message) as Reply));
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    await redis.subscribe(channel);
    await send();
    return await reply;
  } finally {
    clearTimeout(timer);
    waiting.delete(channel);
    redis.unsubscribe(channel).catch(() => {});
  }
}

/** Closes the subscriber (tests, and the local orchestrator on shutdown). */
export async function closeReplies(): Promise<void> {
  const client = subscriber;
  subscriber = undefined;
  await client?.quit().catch(() => client.disconnect());
}
