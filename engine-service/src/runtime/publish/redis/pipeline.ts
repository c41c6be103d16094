/** The Redis plumbing the publisher's parts share: one script, transactions inside a pipeline, answers. */
import type { ChainableCommander, Redis } from 'ioredis';

/** `SET KEYS[1] ARGV[2]` and `PUBLISH ARGV[1] ARGV[2]`: a read model and its message, its JSON sent once. */
const SET_AND_PUBLISH_LUA = `
redis.call('SET', KEYS[1], ARGV[2])
return redis.call('PUBLISH', ARGV[1], ARGV[2])
`;

/** The pipeline method {@link defineSetAndPublish} adds: key, channel, JSON. */
export interface SetAndPublish {
  setAndPublish(key: string, channel: string, json: string): ChainableCommander;
}

/** Defines `setAndPublish` on the connection (and its pipelines), once per connection. */
export function defineSetAndPublish(redis: Redis & { setAndPublish?: unknown }): void {
  if (redis.setAndPublish === undefined) {
    redis.defineCommand('setAndPublish', { numberOfKeys: 1, lua: SET_AND_PUBLISH_LUA });
  }
}

/**
 * Queues `write`'s commands between `MULTI` and `EXEC` in the pipeline, so Redis runs
 * them with nothing in between (ioredis supports a transaction inside a pipeline; its
 * types do not declare `multi` there). The pipeline is still sent by its own `exec`.
 */
export function inTransaction(pipeline: ChainableCommander, write: () => void): void {
  (pipeline as ChainableCommander & { multi(): ChainableCommander }).multi();
  write();
  void pipeline.exec(); // queues EXEC
}

/** Throws a pipeline answer's error, or the first error inside a transaction's `EXEC` answer. */
export function throwIfFailed([error, value]: [Error | null, unknown]): void {
  if (error) throw error;
  if (Array.isArray(value)) for (const item of value) if (item instanceof Error) throw item;
}

/** Sends a pipeline. @throws the first error Redis answered */
export async function sendPipeline(pipeline: ChainableCommander): Promise<void> {
  for (const answer of (await pipeline.exec()) ?? []) throwIfFailed(answer);
}
