/**
 * `$connect`: registers the connection for API Gateway's 2 h and subscribes it to what
 * its `path` query parameter names (Binance's URL shapes, see `connect-path.ts`).
 * Anonymous connections get the public streams; a signed one (API key and HMAC over a
 * timestamp, in the query string) gets its account's private `account` stream too; a
 * listen key in the path (`/ws/<listenKey>`) opens that account's Binance user data
 * stream.
 *
 * Signing: with the key's secret, sign `ws-connect:apiKey={key}&timestamp={ms}` (append
 * `&recvWindow={ms}` when you send one) — the REST rules with the prefix
 * {@link CONNECT_SIGNING_PREFIX}, so that a `$connect` signature is never a valid signed
 * REST query — and connect to `wss://…/{stage}?apiKey={key}&timestamp={ms}&signature={hex}`.
 * The key needs the `read` permission. The timestamp window, replay protection and
 * error codes are the REST API's; a refused `$connect` answers the upgrade with its
 * status (401, 403, 400) and the native error body.
 */

import { accountStream } from '@exchange/protocol';
import { accountStore } from '../accounts/account-store.js';
import { CREDENTIAL_PATTERN } from '../accounts/credentials.js';
import { ipAllowed } from '../accounts/ip-allow-list.js';
import { claimLifetimeMs, claimSignature, replayKey } from '../auth/replay-guard.js';
import { verifySignedRequest } from '../auth/signature.js';
import { isDependencyFailure } from '../db/dependency-errors.js';
import { keys, redis } from '../db/redis.js';
import { ApiError } from '../http/api-error.js';
import { ConnectPathError, parseConnectPath } from './connect-path.js';
import { type ListenKeyOwner, listenKeys } from './listen-keys.js';
import { subscriptionRegistry } from './registry.js';
import { canonicalStreams, deliveredName } from './streams.js';
import { type WsEvent, type WsResult, wsLogger } from './ws-event.js';

const SIGNED_PARAMS = ['apiKey', 'timestamp', 'recvWindow', 'signature'] as const;

/** What a `$connect` signature covers before its parameters: its own signing domain. */
export const CONNECT_SIGNING_PREFIX = 'ws-connect:';

/** The caller a signed `$connect` proves. */
export interface ConnectCaller {
  readonly accountId: string;
  readonly apiKey: string;
}

/** The handler of `$connect`. */
export async function handler(event: WsEvent): Promise<WsResult> {
  const { connectionId, connectedAt } = event.requestContext;
  try {
    const query = event.queryStringParameters ?? {};
    const path = parsePath(query.path);
    const caller = await authenticate(query, Date.now(), event.requestContext.identity?.sourceIp);
    const owners = await Promise.all(path.listenKeys.map((key) => listenKeys().owner(key)));
    if (owners.some((owner) => owner === undefined)) {
      throw new ApiError('INVALID_LISTEN_KEY', { field: 'path' });
    }
    const context = { accountId: caller?.accountId, combined: path.combined };
    const resolved = canonicalStreams(path.streams, context);
    if (!resolved.ok) {
      throw new ApiError(resolved.error === 'AUTH_REQUIRED' ? 'MISSING_API_KEY' : 'BAD_PARAMETER', {
        field: 'path',
        detail: `unknown stream '${resolved.name}'`,
      });
    }
    const listened = owners.filter((owner) => owner !== undefined);
    const listenKeyAccounts = Object.fromEntries(
      path.listenKeys.map((key, i) => [key, (owners[i] as ListenKeyOwner).accountId]),
    );
    const apiKey = caller?.apiKey ?? listened[0]?.apiKey;
    const registry = subscriptionRegistry();
    await registry.register({
      connectionId,
      connectedAt,
      ...(caller === undefined ? {} : { accountId: caller.accountId }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(path.combined ? { combined: true } : {}),
      ...(path.listenKeys.length === 0 ? {} : { listenKeys: listenKeyAccounts }),
    });
    for (const owner of listened.slice(1)) await registry.addKeyConnection(connectionId, owner.apiKey);
    const streams = [
      ...resolved.streams,
      ...listened.map((owner) => deliveredName(accountStream(owner.accountId, 'user'), context)),
    ];
    if (streams.length > 0) await registry.subscribe(connectionId, streams);
  } catch (error) {
    // Redis or PostgreSQL down: the upgrade is refused with 503, and the client connects again.
    const refusal = isDependencyFailure(error)
      ? new ApiError('SERVICE_UNAVAILABLE', {}, { cause: error })
      : error;
    if (!(refusal instanceof ApiError)) throw error;
    wsLogger().info({ connectionId, code: refusal.code }, '$connect refused');
    return { statusCode: refusal.status('v1'), body: JSON.stringify(refusal.body('v1')) };
  }
  return { statusCode: 200 };
}

function parsePath(path: string | undefined): ReturnType<typeof parseConnectPath> {
  try {
    return parseConnectPath(path);
  } catch (error) {
    if (!(error instanceof ConnectPathError)) throw error;
    throw new ApiError('BAD_PARAMETER', { field: 'path', detail: error.message });
  }
}

/**
 * The caller a signed `$connect` proves, or undefined when none of the signing
 * parameters was sent.
 * @throws ApiError as the REST authenticator does (missing key, unknown or revoked key,
 * an address outside the key's allow-list, bad timestamp, bad signature, replay, a key
 * without `read`)
 */
export async function authenticate(
  query: Record<string, string | undefined>,
  nowMs: number,
  sourceIp = '',
): Promise<ConnectCaller | undefined> {
  if (SIGNED_PARAMS.every((name) => query[name] === undefined)) return undefined;
  const apiKey = query.apiKey;
  if (apiKey === undefined || apiKey === '') throw new ApiError('MISSING_API_KEY', { field: 'apiKey' });
  if (!CREDENTIAL_PATTERN.test(apiKey)) throw new ApiError('API_KEY_FORMAT_INVALID', { field: 'apiKey' });
  const record = await accountStore().lookupKey(apiKey);
  if (record === undefined) throw new ApiError('UNKNOWN_API_KEY', { field: 'apiKey' });
  if (record.revoked) throw new ApiError('API_KEY_REVOKED', { field: 'apiKey' });
  if (!ipAllowed(record.ipAllowList, sourceIp)) throw new ApiError('IP_NOT_ALLOWED', { field: 'apiKey' });

  const check = verifySignedRequest(
    { rawQueryString: connectSigningPayload(query), body: '', formBody: false },
    record.secretKey,
    nowMs,
  );
  if (!check.ok) throw new ApiError(check.failure.code, check.failure);
  if (!record.permissions.includes('read')) {
    throw new ApiError('PERMISSION_DENIED', { field: 'apiKey', detail: 'read' });
  }
  const claim = replayKey(keys().prefix, apiKey, check.signature);
  if (!(await claimSignature(redis(), claim, claimLifetimeMs(check.timestamp, check.recvWindow, nowMs)))) {
    throw new ApiError('REPLAYED_REQUEST', { field: 'signature' });
  }
  return { accountId: record.accountId, apiKey };
}

/**
 * The signed text of a `$connect` (with its `signature`, which the check leaves out):
 * the prefix, then the parameters in a fixed order (API Gateway hands `$connect` the
 * parsed parameters, not the raw query string).
 */
export function connectSigningPayload(query: Record<string, string | undefined>): string {
  return (
    CONNECT_SIGNING_PREFIX +
    SIGNED_PARAMS.filter((name) => query[name] !== undefined)
      .map((name) => `${name}=${encodeURIComponent(query[name] as string)}`)
      .join('&')
  );
}
