/**
 * Binance's listen keys on `/api/v3/userDataStream` (security type USER_STREAM: the API
 * key in `X-MBX-APIKEY`, no signature, as Binance's clients send it; the key needs
 * `read`):
 *
 * - `POST` → `{"listenKey":"…"}`: the account's listen key, created or extended 60 min;
 * - `PUT ?listenKey=` → `{}`: keep-alive, 60 more minutes;
 * - `DELETE ?listenKey=` → `{}`: closes it.
 *
 * An unknown or expired key is -1125 "This listenKey does not exist.". The stream is
 * `wss://{api}/{stage}?path=/ws/<listenKey>` (see `ws/connect-path.ts`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { accountStore } from '../../accounts/account-store.js';
import { CREDENTIAL_PATTERN } from '../../accounts/credentials.js';
import { ipAllowed } from '../../accounts/ip-allow-list.js';
import { LISTEN_KEY_PATTERN } from '../../ws/connect-path.js';
import { listenKeys } from '../../ws/listen-keys.js';
import { ApiError, publicEndpoint } from '../api.js';
import { API_KEY_HEADER } from '../middleware/authenticate.js';

/** The account of the request's API key, checked as signed endpoints check it, without a signature. */
async function keyHolder(event: APIGatewayProxyEventV2): Promise<{ accountId: string; apiKey: string }> {
  const apiKey = event.headers[API_KEY_HEADER];
  if (apiKey === undefined || apiKey === '') throw new ApiError('MISSING_API_KEY', { field: 'X-MBX-APIKEY' });
  if (!CREDENTIAL_PATTERN.test(apiKey))
    throw new ApiError('API_KEY_FORMAT_INVALID', { field: 'X-MBX-APIKEY' });
  const record = await accountStore().lookupKey(apiKey);
  if (record === undefined) throw new ApiError('UNKNOWN_API_KEY', { field: 'X-MBX-APIKEY' });
  if (record.revoked) throw new ApiError('API_KEY_REVOKED', { field: 'X-MBX-APIKEY' });
  if (!ipAllowed(record.ipAllowList, event.requestContext.http.sourceIp)) {
    throw new ApiError('IP_NOT_ALLOWED', { field: 'X-MBX-APIKEY' });
  }
  if (!record.permissions.includes('read')) {
    throw new ApiError('PERMISSION_DENIED', { field: 'X-MBX-APIKEY', detail: 'read' });
  }
  return { accountId: record.accountId, apiKey };
}

const listenKey = { listenKey: z.string().regex(LISTEN_KEY_PATTERN) };

/** `POST /api/v3/userDataStream`. */
export const openStream = publicEndpoint('v3', {}, async ({ event }) => ({
  listenKey: await listenKeys().open(await keyHolder(event)),
}));

/** `PUT /api/v3/userDataStream?listenKey=`. */
export const keepAliveStream = publicEndpoint('v3', listenKey, async ({ event, params }) => {
  const { accountId } = await keyHolder(event);
  if (!(await listenKeys().keepAlive(accountId, params.listenKey))) throw new ApiError('INVALID_LISTEN_KEY');
  return {};
});

/** `DELETE /api/v3/userDataStream?listenKey=`. */
export const closeStream = publicEndpoint('v3', listenKey, async ({ event, params }) => {
  const { accountId } = await keyHolder(event);
  if (!(await listenKeys().close(accountId, params.listenKey))) throw new ApiError('INVALID_LISTEN_KEY');
  return {};
});
