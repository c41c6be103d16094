/**
 * Endpoints in a few lines. Each of the two builders returns the Lambda handler for
 * one route, a middy chain. Public endpoints:
 *
 * 1. `errors`        — renders every failure for the face (its `onError` runs last); a
 *                      dependency that is down is 503 + `Retry-After`, never a 500;
 * 2. `rateLimitIp`   — the source IP's budget, one Redis round trip (429 + `Retry-After`;
 *                      counted in memory while Redis is down);
 * 3. `params`        — query string and body, parsed for the face (413, 400);
 * 4. validation      — the endpoint's zod schema over the parameters (400 naming the field);
 * 5. the endpoint's function, whose return value becomes a 200 JSON body (or use `respond`).
 *
 * Signed endpoints do their CPU work first and then touch Redis once:
 *
 * 1. `errors`;
 * 2. `params`;
 * 3. `authenticate`  — key (cached lookup), timing, HMAC, permission (401); no Redis;
 * 4. `admit`         — one Redis round trip: the IP's budget, the replay check, the key's
 *                      budget, the signature's claim (429, 401 `REPLAYED_REQUEST`; 503 when
 *                      Redis is down). A request refused at 2–3 is still counted against
 *                      its IP, on the error path, and becomes 429 past the IP's budget;
 * 5. validation;
 * 6. the endpoint's function.
 *
 * A schema is either a shape (`{ symbol: param.symbol() }`, made strict: an unknown
 * parameter is refused, -1104) or any zod schema over the parameter object, for
 * cross-field rules. Signed endpoints never see `timestamp`, `recvWindow` or `signature`.
 *
 * @example
 * // functions/src/http/v3/open-orders.ts — GET /api/v3/openOrders
 * export const handler = signedEndpoint('v3', { symbol: param.symbol().optional() }, async ({ params, caller }) =>
 *   openOrders(caller.accountId, params.symbol),
 * );
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import type { Permission } from '../accounts/permissions.js';
import { serverSecretKey } from '../accounts/secret-box.js';
import type { ApiContext, Caller } from './api-context.js';
import type { Face } from './error-codes.js';
import { admit } from './middleware/admit.js';
import { authenticate } from './middleware/authenticate.js';
import { errors } from './middleware/errors.js';
import { params } from './middleware/params.js';
import { rateLimitIp } from './middleware/rate-limit.js';
import { fromZodError } from './param-errors.js';
import { rateLimits } from './rate-limit-settings.js';
import { jsonResult, Reply } from './response.js';

export type { Caller } from './api-context.js';
export { ApiError, fromDecimalError, rejectionError } from './api-error.js';
export type { Face } from './error-codes.js';
export { param } from './param.js';
export { Reply, respond } from './response.js';

/** An endpoint's parameters: a shape of zod schemas, or one zod schema over the whole object. */
export type ParamsSchema = z.ZodRawShape | z.ZodType<unknown, Record<string, unknown>>;

/** The validated parameters a schema yields. */
export type ParamsOf<S extends ParamsSchema> = S extends z.ZodType
  ? z.output<S>
  : S extends z.ZodRawShape
    ? z.output<z.ZodObject<S, z.core.$strict>>
    : never;

/** What a public endpoint's function receives. */
export interface EndpointRequest<P> {
  /** The parameters, validated by the endpoint's schema. */
  readonly params: P;
  readonly event: APIGatewayProxyEventV2;
  readonly context: ApiContext;
}

/** What a signed endpoint's function receives: also the authenticated caller. */
export interface SignedEndpointRequest<P> extends EndpointRequest<P> {
  readonly caller: Caller;
}

export interface EndpointOptions {
  /** Rate-limit weight of one call (Binance's request weight); 1 when omitted. */
  readonly weight?: number;
}

export interface SignedEndpointOptions extends EndpointOptions {
  /** The permission the key needs; `read` for GET, `trade` otherwise when omitted. */
  readonly permission?: Permission;
}

/** A handler as API Gateway (and the local emulator) calls it. */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * An endpoint anyone may call.
 *
 * @example
 * // GET /api/v3/depth
 * export const handler = publicEndpoint('v3', { symbol: param.symbol(), limit: param.integer({ max: 5000 }).optional() },
 *   ({ params }) => depthSnapshot(params.symbol, params.limit ?? 100));
 */
export function publicEndpoint<S extends ParamsSchema>(
  face: Face,
  schema: S,
  fn: (request: EndpointRequest<ParamsOf<S>>) => unknown,
  options: EndpointOptions = {},
): ApiHandler {
  const validator = toValidator(schema);
  // Fail at cold start, not on the first request, when a limit is misconfigured.
  rateLimits();
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(errors(face))
    .use(rateLimitIp(options.weight))
    .use(params(face))
    .handler(async (event, context) =>
      toResult(await fn({ params: validate(validator, context) as ParamsOf<S>, event, context })),
    ) as unknown as ApiHandler;
}

/**
 * An endpoint for API-key holders: signed requests only (see `auth/signature.ts`).
 *
 * @example
 * // DELETE /api/v3/order
 * export const handler = signedEndpoint('v3', { symbol: param.symbol(), orderId: param.integer() },
 *   ({ params, caller }) => cancelOrder(caller.accountId, params.symbol, params.orderId));
 */
export function signedEndpoint<S extends ParamsSchema>(
  face: Face,
  schema: S,
  fn: (request: SignedEndpointRequest<ParamsOf<S>>) => unknown,
  options: SignedEndpointOptions = {},
): ApiHandler {
  const validator = toValidator(schema);
  // Fail at cold start, not on the first request, when a cloud deployment lacks its key.
  serverSecretKey();
  rateLimits();
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(errors(face))
    .use(params(face))
    .use(authenticate(options.permission === undefined ? {} : { permission: options.permission }))
    .use(admit(options.weight))
    .handler(async (event, context) => {
      const caller = context.api.caller as Caller;
      return toResult(
        await fn({ params: validate(validator, context) as ParamsOf<S>, event, context, caller }),
      );
    }) as unknown as ApiHandler;
}

function toValidator(schema: ParamsSchema): z.ZodType {
  return schema instanceof z.ZodType ? schema : z.strictObject(schema);
}

function validate(validator: z.ZodType, context: ApiContext): unknown {
  const input = context.api.params;
  const parsed = validator.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, input);
  return parsed.data;
}

function toResult(value: unknown): APIGatewayProxyStructuredResultV2 {
  if (value instanceof Reply) return jsonResult(value.status, value.body, value.headers);
  return jsonResult(200, value ?? {});
}
