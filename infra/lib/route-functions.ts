/**
 * Route tables → functions: routes that share a handler module and export share one
 * Lambda. Pure, so the grouping is testable without synthesizing anything.
 */

/** What the grouping needs of a REST or WebSocket route. */
export interface HandlerRef {
  readonly handler: string;
  readonly export?: string;
  readonly timeoutSeconds?: number;
}

/** One Lambda and the routes it answers. */
export interface RouteFunction<R extends HandlerRef> {
  /** A kebab-case construct id: `http-v1-accounts-sign-up`. */
  readonly id: string;
  readonly handlerModule: string;
  readonly exportName: string;
  /** The longest integration timeout among its routes (API Gateway's 29 s by default). */
  readonly timeoutSeconds: number;
  readonly routes: readonly R[];
}

const API_GATEWAY_MAX_TIMEOUT_SECONDS = 29;

function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/**
 * Groups routes by handler module and export, in first-seen order.
 * @example
 * groupRoutesByHandler(HTTP_ROUTES).map((f) => f.id); // ['http-health-handler', …]
 */
export function groupRoutesByHandler<R extends HandlerRef>(routes: readonly R[]): RouteFunction<R>[] {
  const groups = new Map<string, { handlerModule: string; exportName: string; routes: R[] }>();
  for (const route of routes) {
    const exportName = route.export ?? 'handler';
    const key = `${route.handler}#${exportName}`;
    const group = groups.get(key) ?? { handlerModule: route.handler, exportName, routes: [] };
    group.routes.push(route);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    id: kebab(`${g.handlerModule}-${g.exportName}`),
    handlerModule: g.handlerModule,
    exportName: g.exportName,
    timeoutSeconds: Math.max(...g.routes.map((r) => r.timeoutSeconds ?? API_GATEWAY_MAX_TIMEOUT_SECONDS)),
    routes: g.routes,
  }));
}
