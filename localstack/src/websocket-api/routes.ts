import type { WsRoute } from '@exchange/functions/ws-routes';
import type { WebSocketHandler } from './invocation.js';

/** API Gateway's integration timeout, and the most a route may ask for. */
export const MAX_TIMEOUT_SECONDS = 29;

/** A route bound to a callable handler: what the emulator serves. */
export interface WebSocketRouteBinding {
  readonly routeKey: string;
  readonly handler: WebSocketHandler;
  /** Send the handler's `body` back to the client (route response); `true` when omitted. */
  readonly returnResponse?: boolean;
  /** Integration timeout, at most 29 s; 29 s when omitted. */
  readonly timeoutSeconds?: number;
  /** The Lambda function name handlers see in their context; derived from the route key when omitted. */
  readonly functionName?: string;
}

/**
 * Binds each route of the shared table (`functions/src/ws-routes.ts`) to its handler,
 * imported from `@exchange/functions/<handler>` like the Lambda runtime would load it.
 *
 * @throws Error naming the route when a module lacks the export or it is not a function,
 * so a typo in the table fails at start-up rather than on the first message.
 */
export async function loadRoutes(table: readonly WsRoute[]): Promise<WebSocketRouteBinding[]> {
  return Promise.all(
    table.map(async (route) => {
      const exportName = route.export ?? 'handler';
      const module: Record<string, unknown> = await import(`@exchange/functions/${route.handler}`);
      const handler = module[exportName];
      if (typeof handler !== 'function') {
        throw new Error(
          `WebSocket route ${route.routeKey}: ${route.handler} has no function export '${exportName}'`,
        );
      }
      return {
        routeKey: route.routeKey,
        handler: handler as WebSocketHandler,
        returnResponse: route.returnResponse,
        timeoutSeconds: route.timeoutSeconds,
        functionName: route.handler.replaceAll('/', '-'),
      };
    }),
  );
}

/** Routes by key, after checking that no key is served twice and every timeout is allowed. */
export function routeTable(
  routes: readonly WebSocketRouteBinding[],
): ReadonlyMap<string, WebSocketRouteBinding> {
  const table = new Map<string, WebSocketRouteBinding>();
  for (const route of routes) {
    if (table.has(route.routeKey)) throw new Error(`WebSocket route ${route.routeKey} is defined twice`);
    const timeout = route.timeoutSeconds ?? MAX_TIMEOUT_SECONDS;
    if (!(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
      throw new Error(
        `WebSocket route ${route.routeKey}: timeoutSeconds must be in (0, ${MAX_TIMEOUT_SECONDS}]`,
      );
    }
    table.set(route.routeKey, route);
  }
  return table;
}
