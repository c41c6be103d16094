/**
 * The last word on every failure, rendered for the endpoint's face:
 *
 * - an `ApiError` → its status and body (with `Retry-After` when it has one);
 * - a zod error thrown by the endpoint's code → 400 `BAD_PARAMETER` naming its path
 *   (parameter validation itself throws `ApiError`s, see `param-errors.ts`);
 * - a dependency that is down (`dependency-errors.ts`: Redis, PostgreSQL, SQS, read
 *   models not rebuilt) → 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`, logged as a
 *   warning: the request was fine and may be sent again;
 * - anything else → 500 with a generic body; the error itself only goes to the log,
 *   so nothing internal reaches the client.
 *
 * Use it first, so that its `onError` runs after every other middleware's.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { isDependencyFailure } from '../../db/dependency-errors.js';
import type { ApiContext, ApiMiddleware } from '../api-context.js';
import { ApiError } from '../api-error.js';
import type { Face } from '../error-codes.js';
import { logger } from '../logger.js';
import { errorResult } from '../response.js';

/** The middleware for an endpoint of `face`. */
export function errors(face: Face): ApiMiddleware {
  return {
    name: 'errors',
    onError: (request) => {
      request.response = errorResult(toApiError(request.error, request.context, request.event), face);
    },
  };
}

/** Seconds a client is asked to wait before retrying when a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** The `ApiError` the client sees for `error`; dependency failures and unexpected errors are logged here. */
export function toApiError(
  error: unknown,
  context?: Partial<ApiContext>,
  event?: APIGatewayProxyEventV2,
): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof z.core.$ZodError) {
    // Thrown by the endpoint's own code, not by parameter validation: name the field, claim nothing more.
    const issue = error.issues[0];
    const field =
      issue === undefined || issue.path.length === 0 ? undefined : issue.path.map(String).join('.');
    return new ApiError('BAD_PARAMETER', { field, detail: issue?.message });
  }
  if (isDependencyFailure(error)) {
    logger().warn(
      { err: error, routeKey: event?.routeKey, awsRequestId: context?.awsRequestId },
      'a dependency is unavailable',
    );
    return new ApiError(
      'SERVICE_UNAVAILABLE',
      {},
      { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, cause: error },
    );
  }
  logger().error(
    {
      err: error,
      routeKey: event?.routeKey,
      requestId: event?.requestContext?.requestId,
      awsRequestId: context?.awsRequestId,
    },
    'unhandled error in an HTTP handler',
  );
  return new ApiError('INTERNAL_ERROR', {}, { cause: error });
}
