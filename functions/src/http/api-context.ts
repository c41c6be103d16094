/**
 * What the middlewares learn about a request, kept on the Lambda context (one object
 * per invocation) for the middlewares after them and the endpoint's function.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Permission } from '../accounts/permissions.js';
import type { Face } from './error-codes.js';

/** The caller of a signed endpoint, once authenticated. */
export interface Caller {
  readonly accountId: string;
  readonly apiKey: string;
  readonly permissions: readonly Permission[];
  /** The key's IP allow-list; empty: any address. */
  readonly ipAllowList: readonly string[];
}

/** The request as the shell has parsed it. */
export interface ApiRequestState {
  readonly face: Face;
  /**
   * Every parameter, query string and body merged: strings on `/api/v3` (query string
   * and form body), strings and JSON values on `/api/v1` (query string and JSON body).
   * Empty and `null` values are left out, as Binance treats them as not sent.
   */
  readonly params: Record<string, unknown>;
  /** The query string exactly as sent. */
  readonly rawQueryString: string;
  /** The body exactly as sent (base64 undone), `''` when none. */
  readonly rawBody: string;
  /** Set by `authenticate` on signed endpoints. */
  caller?: Caller;
  /** Set by `authenticate`: the verified signature and how long its replay claim must live. */
  signature?: { readonly value: string; readonly claimMs: number };
  /** Set by `admit` once the request is counted and its signature claimed. */
  admitted?: boolean;
}

/** The Lambda context with the shell's state. */
export interface ApiContext extends Context {
  api: ApiRequestState;
}

/** A middleware of the REST shell. */
export type ApiMiddleware = MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  ApiContext
>;
