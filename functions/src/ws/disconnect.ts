/**
 * `$disconnect`: forgets the connection and every subscription it had. API Gateway
 * sends it on a best-effort basis, so the fan-out also drops connections that answer
 * `GoneException`, and registrations expire after 2 h regardless.
 */
import { subscriptionRegistry } from './registry.js';
import type { WsEvent, WsResult } from './ws-event.js';

/** The handler of `$disconnect`. */
export async function handler(event: WsEvent): Promise<WsResult> {
  await subscriptionRegistry().drop(event.requestContext.connectionId);
  return { statusCode: 200 };
}
