/**
 * The answer for a path under `/api/v1/` or `/api/v3/` that no route serves (the
 * greedy routes lose to every literal one): 404 in the face's error format, instead of
 * API Gateway's bare `{"message":"Not Found"}`.
 */
import { z } from 'zod';
import { ApiError, publicEndpoint } from './api.js';

const anything = z.record(z.string(), z.unknown());
const notFound = (): never => {
  throw new ApiError('NOT_FOUND');
};

/** `ANY /api/v1/{proxy+}`. */
export const v1 = publicEndpoint('v1', anything, notFound);

/** `ANY /api/v3/{proxy+}`. */
export const v3 = publicEndpoint('v3', anything, notFound);
