/**
 * The one route table of the REST API (API Gateway HTTP API). The local emulator
 * (`localstack/src/http-api`) serves it and the CDK app builds its routes from it, so a
 * route added here exists in both places or in neither.
 */

import { MARKET_DATA_ROUTES } from './http/market-data-routes.js';
import { TRADING_ROUTES } from './http/trading-routes.js';

/** An HTTP method as API Gateway route keys spell it; `ANY` matches every method. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/** One route: which requests it catches and which Lambda handler answers them. */
export interface HttpRoute {
  readonly method: HttpMethod;
  /**
   * API Gateway route syntax: a literal path (`/api/v1/depth`), path variables
   * (`/api/v1/order/{id}`), a greedy variable at the end (`/api/v1/{proxy+}`), or
   * `$default` (with method `ANY`) for requests no other route catches.
   */
  readonly path: string;
  /** Module path under `functions/src`, without extension: `http/health`. */
  readonly handler: string;
  /** Name of the handler's export in that module; `handler` when omitted. */
  readonly export?: string;
  /** Integration timeout; API Gateway's maximum, 29 s, when omitted. */
  readonly timeoutSeconds?: number;
}

/** Every REST route, in no particular order: matching follows API Gateway's priority, not this list. */
export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/health', handler: 'http/health' },
  // Accounts and API keys (functions/src/http/v1/accounts.ts).
  { method: 'POST', path: '/api/v1/accounts', handler: 'http/v1/accounts', export: 'signUp' },
  { method: 'GET', path: '/api/v1/keys', handler: 'http/v1/accounts', export: 'listKeys' },
  { method: 'POST', path: '/api/v1/keys', handler: 'http/v1/accounts', export: 'createKey' },
  { method: 'DELETE', path: '/api/v1/keys', handler: 'http/v1/accounts', export: 'revokeKey' },
  ...MARKET_DATA_ROUTES,
  ...TRADING_ROUTES,
  // Binance's listen keys (functions/src/http/v3/user-data-stream.ts).
  {
    method: 'POST',
    path: '/api/v3/userDataStream',
    handler: 'http/v3/user-data-stream',
    export: 'openStream',
  },
  {
    method: 'PUT',
    path: '/api/v3/userDataStream',
    handler: 'http/v3/user-data-stream',
    export: 'keepAliveStream',
  },
  {
    method: 'DELETE',
    path: '/api/v3/userDataStream',
    handler: 'http/v3/user-data-stream',
    export: 'closeStream',
  },
  // Binance's /sapi account subset (functions/src/http/v3/sapi.ts).
  { method: 'GET', path: '/sapi/v1/system/status', handler: 'http/v3/sapi', export: 'systemStatus' },
  { method: 'GET', path: '/sapi/v1/asset/tradeFee', handler: 'http/v3/sapi', export: 'tradeFee' },
  {
    method: 'GET',
    path: '/sapi/v1/capital/deposit/address',
    handler: 'http/v3/sapi',
    export: 'depositAddressOf',
  },
  {
    method: 'POST',
    path: '/sapi/v1/capital/withdraw/apply',
    handler: 'http/v3/sapi',
    export: 'withdrawApply',
  },
  {
    method: 'GET',
    path: '/sapi/v1/capital/withdraw/history',
    handler: 'http/v3/sapi',
    export: 'withdrawHistory',
  },
  // Unknown paths under each face: 404 in that face's error format.
  { method: 'ANY', path: '/api/v1/{proxy+}', handler: 'http/not-found', export: 'v1' },
  { method: 'ANY', path: '/api/v3/{proxy+}', handler: 'http/not-found', export: 'v3' },
];
