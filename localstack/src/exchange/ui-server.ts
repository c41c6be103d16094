/**
 * The UI's web server: the static export of `frontend/` with `/config.json` (the API
 * URLs the browser needs) and `/api/*` passed through to the REST API, so the browser
 * talks to one origin and needs no CORS.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

/** The UI's default port. */
export const UI_PORT = 3000;

const UI_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves the static export: `/config.json` with the API URLs, `/api/*` passed through to
 * the REST API, `/trade/SOL_USDC` from `trade/SOL_USDC.html`.
 */
export async function serveUi(options: {
  readonly dir: string;
  readonly port: number;
  readonly restUrl: string;
  readonly wsUrl: string;
}): Promise<{ readonly url: string; close(): Promise<void> }> {
  const rest = new URL(options.restUrl);
  const config = JSON.stringify({ apiUrl: '', wsUrl: options.wsUrl });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      const upstream = httpRequest(
        {
          host: rest.hostname,
          port: rest.port,
          method: request.method,
          path: `${rest.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`,
          headers: { ...request.headers, host: rest.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
        response.end('{"code":"BAD_GATEWAY","message":"The REST API is not answering."}');
      });
      request.pipe(upstream);
      return;
    }
    if (url.pathname === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(config);
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    const candidates = [
      join(options.dir, path),
      join(options.dir, `${path}.html`),
      join(options.dir, path, 'index.html'),
    ];
    const file = candidates.find((candidate) => candidate.startsWith(options.dir) && isFile(candidate));
    const target = file ?? join(options.dir, '404.html');
    const type = UI_TYPES[extname(target)] ?? 'application/octet-stream';
    const immutable = target.includes(`${join('_next', 'static')}`);
    response.writeHead(file === undefined ? 404 : 200, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(target)
      .on('error', () => response.end())
      .pipe(response);
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

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
