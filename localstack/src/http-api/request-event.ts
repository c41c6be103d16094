/**
 * The payload-format-2.0 event API Gateway HTTP APIs hand to a Lambda integration,
 * built from a node:http request.
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { formatRequestTime } from './request-time.js';

/** What the server knows about the request beyond the node:http message itself. */
export interface EventInput {
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  readonly requestId: string;
  readonly epochMs: number;
  readonly apiId: string;
  readonly accountId: string;
}

/**
 * Builds the event, without the body: the caller reads that only when the headers
 * announce one (see `request-body.ts`). Headers are lower-cased and repeated headers
 * comma-joined; the `cookie` header becomes the `cookies` array instead. Query and path
 * parameters are URL-decoded, repeated query keys comma-joined; fields with nothing to
 * carry are left out, as AWS does.
 */
export function requestEvent(req: IncomingMessage, input: EventInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'cookie') {
      cookies ??= [];
      for (const c of value.split(';')) {
        const trimmed = c.trim();
        if (trimmed !== '') cookies.push(trimmed);
      }
    } else {
      const seen = headers[name];
      headers[name] = seen === undefined ? value : `${seen},${value}`;
    }
  }

  const domainName = hostName(headers.host);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    headers,
    requestContext: {
      accountId: input.accountId,
      apiId: input.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: sourceIp(req),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: formatRequestTime(input.epochMs),
      timeEpoch: input.epochMs,
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined) event.cookies = cookies;
  if (input.rawQueryString !== '') event.queryStringParameters = queryParameters(input.rawQueryString);
  if (input.pathParameters !== undefined) event.pathParameters = decodeAll(input.pathParameters);
  return event;
}

/** The host header without its port: `127.0.0.1:3000` → `127.0.0.1`, `[::1]:3000` → `[::1]`. */
function hostName(host: string | undefined): string {
  if (host === undefined || host === '') return 'localhost';
  const colon = host.lastIndexOf(':');
  return colon === -1 || colon < host.lastIndexOf(']') ? host : host.slice(0, colon);
}

function sourceIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  // An IPv4 client of a dual-stack socket shows up IPv4-mapped; AWS reports the plain address.
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function queryParameters(rawQueryString: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : `${seen},${value}`;
  }
  return out;
}

function decodeAll(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) out[name] = decode(value);
  return out;
}

/** A malformed escape is passed on as sent rather than failing the request. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
