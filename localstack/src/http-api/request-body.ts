/**
 * The request body as the 2.0 event carries it: text content types as a UTF-8 string,
 * everything else base64 with `isBase64Encoded: true`.
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Content types API Gateway passes through as text. A form post
 * (`application/x-www-form-urlencoded`) and a request without a content type arrive
 * base64-encoded, as they do on AWS.
 */
const TEXT_TYPE = /^\s*(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript)\b)/i;

/**
 * True when the (lower-cased) headers announce a body; a GET without one need not wait
 * for the stream's end.
 */
export function hasBody(headers: APIGatewayProxyEventV2['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Reads the whole body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Puts a body into the event; an empty body stays out of it, as on AWS. */
export function setEventBody(event: APIGatewayProxyEventV2, raw: Buffer): void {
  if (raw.length === 0) return;
  const contentType = event.headers['content-type'];
  const text = contentType !== undefined && TEXT_TYPE.test(contentType);
  event.body = raw.toString(text ? 'utf8' : 'base64');
  event.isBase64Encoded = !text;
}
