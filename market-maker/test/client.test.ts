/**
 * The bots' client through an outage of a real HTTP server: it backs off and resumes,
 * and says so once per outage rather than once per request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRejection, ExchangeClient } from '../src/client.js';

/** A server that answers `503` (with `Retry-After: 0`) to its first `failures` requests, then 200. */
async function flakyServer(
  failures: number,
  port = 0,
): Promise<{ server: Server; url: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((request, response) => {
    seen += 1;
    if (request.url?.startsWith('/api/v3/missing')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":-1,"msg":"Not Found"}');
    } else if (seen <= failures) {
      response
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' })
        .end('{"code":"UNAVAILABLE"}');
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(`{"path":"${request.url}"}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}`, seen: () => seen };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('ExchangeClient', () => {
  it('waits out a run of 503s and logs the outage once, however many requests wait on it', async () => {
    // Prepare
    const { server, url } = await flakyServer(8);
    const lines: string[] = [];
    const client = new ExchangeClient({
      baseUrl: url,
      attempts: Number.POSITIVE_INFINITY,
      log: (l) => lines.push(l),
    });

    // Act: three requests at once through the outage
    const answers = await Promise.all(['/a', '/b', '/c'].map((path) => client.public('GET', path)));
    await close(server);

    // Assess
    expect(answers).toEqual([{ path: '/a' }, { path: '/b' }, { path: '/c' }]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('API unavailable (HTTP 503): backing off and retrying until it answers');
    expect(lines[1]).toMatch(/^API answering again after \d+\.\d s$/);
  });

  it('resumes when a server that refused connections comes up', async () => {
    // Prepare: a port nothing listens on yet; the server starts once the outage is logged
    const probe = await flakyServer(0);
    const url = probe.url;
    await close(probe.server);
    let started: Server | undefined;
    const lines: string[] = [];
    const client = new ExchangeClient({
      baseUrl: url,
      attempts: Number.POSITIVE_INFINITY,
      log: (line) => {
        lines.push(line);
        if (line.includes('unavailable'))
          void flakyServer(0, Number(new URL(url).port)).then(({ server }) => {
            started = server;
          });
      },
    });

    // Act
    const answer = await client.public('GET', '/api/v3/time');
    if (started) await close(started);

    // Assess
    expect(answer).toEqual({ path: '/api/v3/time' });
    expect(lines[0]).toBe('API unavailable (ECONNREFUSED): backing off and retrying until it answers');
    expect(lines).toHaveLength(2);
  });

  it('gives a 4xx to the caller at once: an answer, not an outage', async () => {
    // Prepare
    const { server, url, seen } = await flakyServer(0);
    const lines: string[] = [];
    const client = new ExchangeClient({
      baseUrl: url,
      attempts: Number.POSITIVE_INFINITY,
      log: (l) => lines.push(l),
    });

    // Act
    const refused = await client.public('GET', '/api/v3/missing').catch((error: unknown) => error);
    await close(server);

    // Assess
    expect(refused).toBeInstanceOf(ApiRejection);
    expect((refused as ApiRejection).status).toBe(404);
    expect(seen()).toBe(1);
    expect(lines).toEqual([]);
  });

  it('stops retrying when its signal aborts', async () => {
    // Prepare: an outage that never ends
    const { server, url } = await flakyServer(Number.POSITIVE_INFINITY);
    const stop = new AbortController();
    const client = new ExchangeClient({
      baseUrl: url,
      attempts: Number.POSITIVE_INFINITY,
      signal: stop.signal,
      log: () => stop.abort(),
    });

    // Act
    const outcome = await client.public('GET', '/api/v3/time').catch((error: unknown) => error);
    await close(server);

    // Assess
    expect((outcome as Error).name).toBe('AbortError');
  });
});
