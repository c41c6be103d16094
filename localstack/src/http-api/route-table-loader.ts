/**
 * Turns the shared route table into routes the emulator can serve, by importing each
 * handler module from `@exchange/functions` — the same module the CDK app bundles.
 */
import type { HttpRoute } from '@exchange/functions/http-routes';
import type { HttpApiHandler, LambdaRoute } from './lambda-route.js';

/**
 * Imports every handler of the table. Throws, naming the route, when a module or its
 * export is missing, so a typo fails at start-up rather than on the first request.
 *
 * @example
 * import { HTTP_ROUTES } from '@exchange/functions/http-routes';
 * const api = await startHttpApi({ routes: await loadRouteTable(HTTP_ROUTES) });
 */
export async function loadRouteTable(table: readonly HttpRoute[]): Promise<LambdaRoute[]> {
  return Promise.all(
    table.map(async (entry): Promise<LambdaRoute> => {
      const name = entry.export ?? 'handler';
      const module = (await import(`@exchange/functions/${entry.handler}`)) as Record<string, unknown>;
      const handler = module[name];
      if (typeof handler !== 'function') {
        throw new Error(`${entry.method} ${entry.path}: ${entry.handler} has no function export "${name}"`);
      }
      return {
        method: entry.method,
        path: entry.path,
        handler: handler as HttpApiHandler,
        functionName: entry.handler.replace(/\//g, '-'),
        ...(entry.timeoutSeconds === undefined ? {} : { timeoutSeconds: entry.timeoutSeconds }),
      };
    }),
  );
}
