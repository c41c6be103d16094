/**
 * The UI's web server on a free port over a scratch static export: files, the
 * `.html`-less routes, 404, `/config.json`, and `/api/*` through to a real upstream
 * HTTP server (and 502 when it is gone). Paths are sent raw, as a client could.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveUi } from '../../src/exchange/ui-server.js';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request to `base` with the path exactly as given (no URL normalisation). */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const { method = 'GET', headers = {}, body } = options;
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** An upstream that answers every request with what it received. */
async function startEcho(): Promise<{ server: Server; url: string }> {
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      outgoing.writeHead(418, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      outgoing.end(
        JSON.stringify({
          method: incoming.method,
          url: incoming.url,
          host: incoming.headers.host,
          apiKey: incoming.headers['x-mbx-apikey'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let scratch: string;
let upstream: { server: Server; url: string };
let ui: Awaited<ReturnType<typeof serveUi>>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ui-server-'));
  const out = join(scratch, 'out');
  mkdirSync(join(out, 'trade'), { recursive: true });
  mkdirSync(join(out, '_next', 'static'), { recursive: true });
  writeFileSync(join(out, 'index.html'), '<h1>markets</h1>');
  writeFileSync(join(out, '404.html'), '<h1>not here</h1>');
  writeFileSync(join(out, 'trade', 'SOL_USDC.html'), '<h1>trade</h1>');
  writeFileSync(join(out, '_next', 'static', 'app.js'), 'console.log(1)');
  writeFileSync(join(scratch, 'secret.txt'), 'outside the export');
  upstream = await startEcho();
  ui = await serveUi({
    dir: out,
    port: 0,
    restUrl: `${upstream.url}/local`,
    wsUrl: 'ws://127.0.0.1:4001/local',
  });
});

afterAll(async () => {
  await ui.close();
  await new Promise((resolve) => upstream.server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('the UI server', () => {
  it.each([
    ['/', '<h1>markets</h1>'],
    ['/trade/SOL_USDC', '<h1>trade</h1>'],
    ['/trade/SOL_USDC.html', '<h1>trade</h1>'],
  ])('serves %s from the static export as HTML', async (path, body) => {
    // Act
    const answer = await send(ui.url, path);

    // Assess
    expect(answer).toMatchObject({ status: 200, body });
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it('lets browsers keep content-hashed assets', async () => {
    const answer = await send(ui.url, '/_next/static/app.js');

    expect(answer).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/missing', '/..%2Fsecret.txt', '/%2E%2E/secret.txt', '/trade/..%2F..%2Fsecret.txt'])(
    'answers %s with the 404 page, never a file outside the export',
    async (path) => {
      const answer = await send(ui.url, path);

      expect(answer).toMatchObject({ status: 404, body: '<h1>not here</h1>' });
    },
  );

  it('refuses a path that is not valid percent encoding with 400', async () => {
    const answer = await send(ui.url, '/%E0%A4%A');

    expect(answer.status).toBe(400);
  });

  it('answers /config.json with the WebSocket URL, REST on the same origin', async () => {
    const answer = await send(ui.url, '/config.json');

    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({ apiUrl: '', wsUrl: 'ws://127.0.0.1:4001/local' });
  });

  it('passes /api/* through to the REST API under its base path, body, headers and status included', async () => {
    // Act
    const answer = await send(ui.url, '/api/v3/order?symbol=SOLUSDC', {
      method: 'POST',
      headers: { 'x-mbx-apikey': 'key-1' },
      body: 'quantity=1',
    });

    // Assess
    expect(answer.status).toBe(418);
    expect(answer.headers['x-upstream']).toBe('echo');
    expect(JSON.parse(answer.body)).toEqual({
      method: 'POST',
      url: '/local/api/v3/order?symbol=SOLUSDC',
      host: new URL(upstream.url).host,
      apiKey: 'key-1',
      body: 'quantity=1',
    });
  });

  it('answers 502 BAD_GATEWAY when the REST API is not answering', async () => {
    // Prepare: a UI whose REST API has gone away
    const gone = await startEcho();
    await new Promise((resolve) => gone.server.close(resolve));
    const orphan = await serveUi({ dir: scratch, port: 0, restUrl: gone.url, wsUrl: 'ws://unused' });

    try {
      // Act
      const answer = await send(orphan.url, '/api/v3/ping');

      // Assess
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.body)).toEqual({
        code: 'BAD_GATEWAY',
        message: 'The REST API is not answering.',
      });
    } finally {
      await orphan.close();
    }
  });
});
