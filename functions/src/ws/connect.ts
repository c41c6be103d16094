/**
 * `$connect`: registers the connection for API Gateway's 2 h. Anonymous connections get
 * the public streams; a signed one (API key and HMAC over a timestamp, in the query
 * string) gets its account's private `account` stream too.
 *
 * Signing: with the key's secret, sign `apiKey={key}&timestamp={ms}` (append
 * `&recvWindow={ms}` when you send one) exactly as for REST (`auth/signature.ts`), and
 * connect to `wss://…/{stage}?apiKey={key}&timestamp={ms}&signature={hex}`. The
 * timestamp window, replay protection and error codes are the REST API's; a refused
 * `$connect` answers the upgrade with 401 and the native error body.
 */
import { accountStore } from '../accounts/account-store.js';
import { CREDENTIAL_PATTERN } from '../accounts/credentials.js';
import { claimLifetimeMs, claimSignature, replayKey } from '../auth/replay-guard.js';
import { verifySignedRequest } from '../auth/signature.js';
import { isDependencyFailure } from '../db/dependency-errors.js';
import { keys, redis } from '../db/redis.js';
import { ApiError } from '../http/api-error.js';
import { subscriptionRegistry } from './registry.js';
import { type WsEvent, type WsResult, wsLogger } from './ws-event.js';

const SIGNED_PARAMS = ['apiKey', 'timestamp', 'recvWindow', 'signature'] as const;

/** The handler of `$connect`. */
export async function handler(event: WsEvent): Promise<WsResult> {
  const { connectionId, connectedAt } = event.requestContext;
  let accountId: string | undefined;
  try {
    accountId = await authenticate(event.queryStringParameters ?? {}, Date.now());
    await subscriptionRegistry().register(
      accountId === undefined ? { connectionId, connectedAt } : { connectionId, connectedAt, accountId },
    );
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

/**
 * The account a signed `$connect` proves, or undefined when none of the signing
 * parameters was sent.
 * @throws ApiError as the REST authenticator does (missing key, unknown or revoked key,
 * bad timestamp, bad signature, replay)
 */
export async function authenticate(
  query: Record<string, string | undefined>,
  nowMs: number,
): Promise<string | undefined> {
  if (SIGNED_PARAMS.every((name) => query[name] === undefined)) return undefined;
  const apiKey = query.apiKey;
  if (apiKey === undefined || apiKey === '') throw new ApiError('MISSING_API_KEY', { field: 'apiKey' });
  if (!CREDENTIAL_PATTERN.test(apiKey)) throw new ApiError('API_KEY_FORMAT_INVALID', { field: 'apiKey' });
  const record = await accountStore().lookupKey(apiKey);
  if (record === undefined) throw new ApiError('UNKNOWN_API_KEY', { field: 'apiKey' });
  if (record.revoked) throw new ApiError('API_KEY_REVOKED', { field: 'apiKey' });

  const check = verifySignedRequest(
    { rawQueryString: signedQuery(query), body: '', formBody: false },
    record.secretKey,
    nowMs,
  );
  if (!check.ok) throw new ApiError(check.failure.code, check.failure);
  const claim = replayKey(keys().prefix, apiKey, check.signature);
  if (!(await claimSignature(redis(), claim, claimLifetimeMs(check.timestamp, check.recvWindow, nowMs)))) {
    throw new ApiError('REPLAYED_REQUEST', { field: 'signature' });
  }
  return record.accountId;
}

/**
 * The query string the signature covers, rebuilt in a fixed order (API Gateway hands
 * `$connect` the parsed parameters, not the raw query string).
 */
function signedQuery(query: Record<string, string | undefined>): string {
  return SIGNED_PARAMS.filter((name) => query[name] !== undefined)
    .map((name) => `${name}=${encodeURIComponent(query[name] as string)}`)
    .join('&');
}
