/** A one-shot Redis PING that gives up quickly instead of reconnecting forever. */
import { Redis } from 'ioredis';

/**
 * Connects to `url`, sends PING and disconnects.
 *
 * @throws when nothing answers `PONG` within `timeoutMs`.
 */
export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The awaited calls only say "Connection is closed."; the 'error' event says why.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect().catch((error: Error) => {
      throw cause ?? error;
    });
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
  } finally {
    client.disconnect();
  }
}
