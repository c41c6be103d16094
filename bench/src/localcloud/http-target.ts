/**
 * Child process of the HTTP benchmark: serves `GET /health` either through the API
 * Gateway emulator (the real route table and handler) or from a bare node:http server
 * with the same body, prints `{"port":…}` and runs until killed. A child of its own, so
 * the server does not share a core with autocannon's client.
 *
 * `tsx http-target.ts emulator|bare`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { loadRouteTable, startHttpApi } from '@exchange/localstack';

export type TargetKind = 'emulator' | 'bare';

const BODY = JSON.stringify({ status: 'ok' });

/** The baseline: the least a node:http server can do to send the same response. */
function startBare(): Promise<number> {
  const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const kind = process.argv[2];
if (kind !== 'emulator' && kind !== 'bare') throw new Error(`target must be emulator or bare, got ${kind}`);
const port =
  kind === 'emulator'
    ? (await startHttpApi({ routes: await loadRouteTable(HTTP_ROUTES) })).port
    : await startBare();
process.stdout.write(`${JSON.stringify({ port })}\n`);
