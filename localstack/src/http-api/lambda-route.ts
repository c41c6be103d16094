/**
 * A route the emulator serves: the shape of the shared route table
 * (`@exchange/functions/http-routes`), with the handler already loaded.
 */
import type { HttpMethod } from '@exchange/functions/http-routes';
import type { APIGatewayProxyEventV2, Handler } from 'aws-lambda';

/**
 * Any Lambda handler that takes an HTTP API 2.0 event. The result is `unknown` because
 * the emulator must cope with whatever a handler returns, as API Gateway does.
 */
export type HttpApiHandler = Handler<APIGatewayProxyEventV2, unknown>;

export interface LambdaRoute {
  readonly method: HttpMethod;
  /** API Gateway route syntax, as in `HttpRoute.path`; `$default` catches the rest. */
  readonly path: string;
  readonly handler: HttpApiHandler;
  /** Integration timeout; `DEFAULT_TIMEOUT_SECONDS` when omitted. */
  readonly timeoutSeconds?: number;
  /** Shown as the Lambda context's function name; the route key when omitted. */
  readonly functionName?: string;
}

/** API Gateway's integration timeout for HTTP APIs: past it the client gets a 503. */
export const DEFAULT_TIMEOUT_SECONDS = 29;

/** The path of the catch-all route. */
export const DEFAULT_ROUTE = '$default';

/** `GET /health`, or `$default`: the key API Gateway puts in the event. */
export function routeKeyOf(route: { readonly method: string; readonly path: string }): string {
  return route.path === DEFAULT_ROUTE ? DEFAULT_ROUTE : `${route.method} ${route.path}`;
}
