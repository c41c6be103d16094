/**
 * Waiting for the engine's replies: one inbox per function instance. The instance
 * picks a random inbox id, subscribes once to `replies:{inbox}` on a Redis connection
 * of its own, and sends every command with `replyTo: inbox`; the engine publishes each
 * reply there, and the reply's `requestId` finds the request waiting for it.
 *
 * Per request this costs a map entry and a timer — no `SUBSCRIBE`/`UNSUBSCRIBE` round
 * trips. The subscription is confirmed before the first command goes out, so a fast
 * engine cannot answer before anyone listens. ioredis subscribes again by itself after
 * a reconnect; a reply published while the connection was down is lost, and its
 * request answers "pending" (202) at its timeout — the command itself is processed
 * exactly once either way.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_REDIS_URL, type Reply } from '@exchange/protocol';
import { Redis } from 'ioredis';
import { keys, redisOptions } from '../db/redis.js';

interface Inbox {
  readonly id: string;
  readonly subscriber: Redis;
  /** Settles once the first `SUBSCRIBE` is confirmed. */
  readonly subscribed: Promise<void>;
}

let inbox: Inbox | undefined;
const waiting = new Map<string, (reply: Reply) => void>();

function dispatch(message: string): void {
  // The engine's own output on our own Redis: parsed, not re-validated (the hot path).
  const reply = JSON.parse(message) as Reply;
  waiting.get(reply.requestId)?.(reply);
}

function open(): Inbox {
  const id = `i-${randomBytes(12).toString('hex')}`;
  const subscriber = new Redis(process.env.REDIS_URL || DEFAULT_REDIS_URL, redisOptions(true));
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, message: string) => dispatch(message));
  const subscribed = subscriber.subscribe(keys().replies(id)).then(() => undefined);
  const opened: Inbox = { id, subscriber, subscribed };
  // A first subscription that failed (Redis down at cold start) is tried again by the next call.
  subscribed.catch(() => {
    if (inbox === opened) {
      inbox = undefined;
      subscriber.disconnect();
    }
  });
  return opened;
}

/**
 * This instance's inbox id, once its subscription is confirmed.
 * @throws what Redis throws when the subscription cannot be made (Redis down)
 */
export async function replyInbox(): Promise<string> {
  inbox ??= open();
  const current = inbox;
  await current.subscribed;
  return current.id;
}

/**
 * Runs `send` and waits up to `timeoutMs` for the reply to `requestId` on this
 * instance's inbox (see {@link replyInbox}: the command must carry `replyTo`).
 * @returns the engine's reply, or `undefined` when none came in time (the command is
 *   still processed exactly once; its effects show in the read models later)
 * @throws what `send` throws (nothing was enqueued then)
 */
export async function sendAndAwaitReply(
  requestId: string,
  send: () => Promise<void>,
  timeoutMs: number,
): Promise<Reply | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const reply = new Promise<Reply | undefined>((resolve) => {
    waiting.set(requestId, resolve);
    timer = setTimeout(resolve, timeoutMs, undefined);
  });
  try {
    await send();
    return await reply;
  } finally {
    clearTimeout(timer);
    waiting.delete(requestId);
  }
}

/** Closes the inbox (tests, and the local orchestrator on shutdown). */
export async function closeReplies(): Promise<void> {
  const current = inbox;
  inbox = undefined;
  const client = current?.subscriber;
  await client?.quit().catch(() => client.disconnect());
}
