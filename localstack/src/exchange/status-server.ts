/**
 * `GET /status`: the running exchange's health view as JSON (what `npm start`
 * supervises, and the engine's own `/health`), for people, scripts and the chaos tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The status server's default port (`STATUS_PORT`). */
export const STATUS_PORT = 4004;

export interface StatusServer {
  /** `http://127.0.0.1:<port>/status` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `status()` at `/status` on 127.0.0.1:`port` (0: a free port). */
export async function startStatusServer(options: {
  readonly port: number;
  readonly status: () => Promise<unknown>;
}): Promise<StatusServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== '/status') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    options.status().then(
      (status) => {
        response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(status));
      },
      (error: unknown) => {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/status`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
