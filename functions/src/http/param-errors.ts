/**
 * Turns a failed zod validation of request parameters into the one `ApiError` that
 * describes its first problem, naming the parameter — as Binance reports one error
 * per request.
 */
import type { z } from 'zod';
import { ApiError } from './api-error.js';
import type { ErrorCode } from './error-codes.js';

/** Enum-valued Binance parameters that have a code of their own. */
const ENUM_CODES: Readonly<Record<string, ErrorCode>> = {
  side: 'INVALID_SIDE',
  type: 'INVALID_ORDER_TYPE',
  timeInForce: 'INVALID_TIME_IN_FORCE',
  interval: 'INVALID_INTERVAL',
};

/**
 * The error for `issues[0]`, given the parameters that were validated.
 *
 * @example
 * const parsed = schema.safeParse(params);
 * if (!parsed.success) throw fromZodError(parsed.error, params);
 */
export function fromZodError(error: z.core.$ZodError, params: Readonly<Record<string, unknown>>): ApiError {
  const issue = error.issues[0];
  if (issue === undefined) return new ApiError('BAD_PARAMETER');
  const field = issue.path.length === 0 ? undefined : issue.path.map(String).join('.');
  const value = field === undefined ? undefined : valueAt(params, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const sent = Object.keys(params).length;
      return new ApiError('UNKNOWN_PARAMETER', {
        field: issue.keys[0],
        read: sent - issue.keys.length,
        sent,
      });
    }
    case 'invalid_type':
      if (field !== undefined && value === undefined) return new ApiError('MISSING_PARAMETER', { field });
      return new ApiError('BAD_PARAMETER', {
        field,
        detail: `expected ${issue.expected}, got ${describe(value)}`,
      });
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern !== undefined) {
        return new ApiError('ILLEGAL_CHARACTERS', { field, legalRange: patternSource(issue.pattern) });
      }
      return new ApiError('BAD_PARAMETER', { field, detail: lowerFirst(issue.message) });
    case 'invalid_value': {
      const detail = `expected one of ${issue.values.map(String).join(', ')}`;
      const code = field === undefined ? undefined : ENUM_CODES[field];
      return new ApiError(code ?? 'BAD_PARAMETER', { field, detail });
    }
    default:
      return new ApiError('BAD_PARAMETER', { field, detail: lowerFirst(issue.message) });
  }
}

function valueAt(params: Readonly<Record<string, unknown>>, path: readonly PropertyKey[]): unknown {
  let value: unknown = params;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string '${value.slice(0, 40)}'` : typeof value;
}

/** `/^[0-9]+$/` → `^[0-9]+$`, the form Binance quotes. */
function patternSource(pattern: string): string {
  const match = /^\/(.*)\/[a-z]*$/s.exec(pattern);
  return match?.[1] ?? pattern;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
