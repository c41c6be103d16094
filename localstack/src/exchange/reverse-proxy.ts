/**
 * Passes requests through to another HTTP server, as API Gateway or CloudFront passes
 * a path to its origin: method, path with query, headers and body go upstream under
 * `upstream`'s base path, and its answer comes back as it is, streamed both ways.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A request handler forwarding to `upstream` (`http://127.0.0.1:4000/base`): a request
 * for `/api/v1/markets?x=1` goes to `/base/api/v1/markets?x=1` (dot segments resolved
 * first) with `host` rewritten. An unreachable upstream answers 502
 * `{"code":"BAD_GATEWAY","message":"The <name> is not answering."}`.
 *
 * @param name what the upstream is, for that message; default `upstream server`
 */
export function reverseProxy(
  upstream: string,
  name = 'upstream server',
): (request: IncomingMessage, response: ServerResponse) => void {
  const target = new URL(upstream);
  const basePath = target.pathname.replace(/\/$/, '');
  const badGateway = JSON.stringify({ code: 'BAD_GATEWAY', message: `The ${name} is not answering.` });
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: `${basePath}${url.pathname}${url.search}`,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(badGateway);
    });
    request.pipe(forwarded);
  };
}
