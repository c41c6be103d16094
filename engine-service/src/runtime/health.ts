/**
 * The engine's `/health` endpoint: 200 with its state as JSON while it runs, 503 when
 * it is stopping. ECS and `npm start` poll it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface HealthOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The state to report; `status: 'ok'` answers 200, anything else 503. */
  readonly state: () => Promise<{ status: string } & Record<string, unknown>>;
}

export async function startHealthServer(options: HealthOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    if (request.url !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    options.state().then(
      (state) => {
        response
          .writeHead(state.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(state));
      },
      (error: unknown) => {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: String(error) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
