/**
 * AWS SDK clients of long-running tasks, without the per-call middleware that does
 * nothing for them: a logger that logs nothing, the user-agent header, Lambda's
 * recursion detection. Signing, retries and serialisation stay. Each call saves CPU on
 * the engine's and the fan-out's hot paths.
 */

/** Names of the middleware {@link makeLean} removes. */
export const IDLE_MIDDLEWARE = [
  'loggerMiddleware',
  'getUserAgentMiddleware',
  'recursionDetectionMiddleware',
] as const;

/** Removes {@link IDLE_MIDDLEWARE} from `client`'s stack; returns the client. */
export function makeLean<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  for (const name of IDLE_MIDDLEWARE) client.middlewareStack.remove(name);
  return client;
}
