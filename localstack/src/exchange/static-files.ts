/**
 * A static site from a directory, as a CDN serves a static export: `/trade/SOL_USDC`
 * from `trade/SOL_USDC.html`, `/` from `index.html`, anything missing as `404.html`
 * with status 404. Nothing outside the directory is ever read.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
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

/** Next.js puts content-hashed assets here: they never change, so browsers keep them. */
const IMMUTABLE_DIR = join('_next', 'static');

/**
 * A request handler serving the files under `dir`. A path that is not valid percent
 * encoding answers 400.
 * @example createServer(staticFiles('frontend/out'))
 */
export function staticFiles(dir: string): (request: IncomingMessage, response: ServerResponse) => void {
  const root = resolve(dir);
  return (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Bad path encoding');
      return;
    }
    const path = normalize(decoded).replace(/^(\.\.[/\\])+/, '');
    const candidates = [join(root, path), join(root, `${path}.html`), join(root, path, 'index.html')];
    const file = candidates.find((candidate) => candidate.startsWith(root + sep) && isFile(candidate));
    const target = file ?? join(root, '404.html');
    response.writeHead(file === undefined ? 404 : 200, {
      'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': target.includes(IMMUTABLE_DIR) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(target)
      .on('error', () => response.end())
      .pipe(response);
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
