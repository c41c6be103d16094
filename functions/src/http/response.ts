/**
 * Responses in API Gateway's payload-2.0 shape. Every body is JSON.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from './api-error.js';
import type { Face } from './error-codes.js';

/** A response an endpoint function returns when 200 and no headers will not do. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/**
 * A reply with its own status (and headers); an endpoint function that returns a plain
 * value answers 200 with it as JSON.
 *
 * @example
 * return respond(201, { accountId, apiKey, secretKey });
 */
export function respond(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  return new Reply(status, body, headers);
}

/** A JSON result. */
export function jsonResult(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An error as `face` answers it, with `Retry-After` when the error has one. */
export function errorResult(error: ApiError, face: Face): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
  return jsonResult(error.status(face), error.body(face), headers);
}
