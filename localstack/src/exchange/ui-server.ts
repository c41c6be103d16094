/**
 * The UI's web server: the static export of `frontend/` (`static-files.ts`) with
 * `/config.json` (the API URLs the browser needs) and `/api/*` passed through to the
 * REST API (`reverse-proxy.ts`), so the browser talks to one origin and needs no CORS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reverseProxy } from './reverse-proxy.js';
import { staticFiles } from './static-files.js';

/** The UI's default port. */
export const UI_PORT = 3000;

/**
 * Serves the static export in `dir`: `/config.json` with the API URLs, `/api/*` passed
 * through to `restUrl`, everything else from the files (`/trade/SOL_USDC` from
 * `trade/SOL_USDC.html`).
 */
export async function serveUi(options: {
  readonly dir: string;
  readonly port: number;
  readonly restUrl: string;
  readonly wsUrl: string;
}): Promise<{ readonly url: string; close(): Promise<void> }> {
  const api = reverseProxy(options.restUrl, 'REST API');
  const files = staticFiles(options.dir);
  const config = JSON.stringify({ apiUrl: '', wsUrl: options.wsUrl });
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname.startsWith('/api/')) {
      api(request, response);
    } else if (pathname === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(config);
    } else {
      files(request, response);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
