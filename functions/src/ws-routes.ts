/**
 * The one route table of the WebSocket API (API Gateway WebSocket API). The local
 * emulator (`localstack/src/websocket-api`) serves it and the CDK app builds its routes
 * from it, so a route added here exists in both places or in neither.
 *
 * The handlers live in `functions/src/ws/` (see its README for the streams); the
 * fan-out that delivers stream messages runs beside the engine (`engine-service/src/fanout`).
 */

import { WS_API_METHOD_NAMES } from './ws/api-method-names.js';

/**
 * Picks a message's route key from its JSON body: `{"method":"SUBSCRIBE",…}` goes to the
 * `SUBSCRIBE` route. Binance's stream API frames requests this way, so its clients work
 * unchanged. Messages that are not JSON, or lack the field, go to `$default`.
 */
export const WS_ROUTE_SELECTION_EXPRESSION = '$request.body.method';

/** The three routes API Gateway reserves, or a value of the route selection expression. */
export type WsRouteKey = '$connect' | '$disconnect' | '$default' | (string & {});

/** One route: which route key it serves and which Lambda handler answers it. */
export interface WsRoute {
  readonly routeKey: WsRouteKey;
  /** Module path under `functions/src`, without extension: `ws/subscribe`. */
  readonly handler: string;
  /** Name of the handler's export in that module; `handler` when omitted. */
  readonly export?: string;
  /**
   * Whether the handler's `body` is sent back to the client (API Gateway's route
   * response, CDK `returnResponse`); `true` when omitted. Ignored for `$connect` and
   * `$disconnect`, which cannot answer over the socket.
   */
  readonly returnResponse?: boolean;
  /** Integration timeout; API Gateway's maximum, 29 s, when omitted. */
  readonly timeoutSeconds?: number;
}

/** Every WebSocket route, in no particular order. */
export const WS_ROUTES: readonly WsRoute[] = [
  { routeKey: '$connect', handler: 'ws/connect', timeoutSeconds: 10 },
  { routeKey: '$disconnect', handler: 'ws/disconnect', timeoutSeconds: 10 },
  { routeKey: 'SUBSCRIBE', handler: 'ws/subscribe', export: 'subscribe', timeoutSeconds: 10 },
  { routeKey: 'UNSUBSCRIBE', handler: 'ws/subscribe', export: 'unsubscribe', timeoutSeconds: 10 },
  {
    routeKey: 'LIST_SUBSCRIPTIONS',
    handler: 'ws/subscribe',
    export: 'listSubscriptions',
    timeoutSeconds: 10,
  },
  { routeKey: '$default', handler: 'ws/subscribe', export: 'fallback', timeoutSeconds: 10 },
  // Binance's WebSocket API (`{"id","method","params"}`), one route per method (ws/api.ts).
  ...WS_API_METHOD_NAMES.map(
    (method): WsRoute => ({ routeKey: method, handler: 'ws/api', timeoutSeconds: 29 }),
  ),
];
