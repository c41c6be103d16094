/**
 * The middleware of signed endpoints, in this order:
 *
 * 1. `X-MBX-APIKEY` header present (-2014) and shaped like a key (-2014);
 * 2. the key exists (-2015) and is not revoked (-2015) — cached lookups, see `account-store.ts`;
 * 3. the request comes from an address the key's IP allow-list admits (-2015,
 *    `IP_NOT_ALLOWED`; `accounts/ip-allow-list.ts`);
 * 4. `timestamp`, `recvWindow`, `signature` and the HMAC (`auth/signature.ts`: -1102, -1100,
 *    -1131, -1021, -1022);
 * 5. the key has the permission the endpoint needs (403 `PERMISSION_DENIED`, -2015;
 *    `accounts/permissions.ts`).
 *
 * Nothing here touches Redis: whether the signature was seen before is checked by
 * `admit`, right after, in the same round trip as the rate limits.
 *
 * It then removes `timestamp`, `recvWindow` and `signature` from the parameters (the
 * endpoint's schema never sees them), sets `context.api.caller` to
 * `{ accountId, apiKey, permissions, ipAllowList }` and `context.api.signature` to the signature and
 * its claim's lifetime. Run it after `params`, before `admit`.
 */
import { accountStore } from '../../accounts/account-store.js';
import { CREDENTIAL_PATTERN } from '../../accounts/credentials.js';
import { ipAllowed } from '../../accounts/ip-allow-list.js';
import { defaultPermissionFor, type Permission } from '../../accounts/permissions.js';
import { claimLifetimeMs } from '../../auth/replay-guard.js';
import { verifySignedRequest } from '../../auth/signature.js';
import type { ApiMiddleware } from '../api-context.js';
import { ApiError } from '../api-error.js';

/** The header carrying the API key, lower-cased as API Gateway passes headers. */
export const API_KEY_HEADER = 'x-mbx-apikey';

export interface AuthenticateOptions {
  /** The permission the endpoint needs; `read` for GET and HEAD, `trade` for other methods when omitted. */
  readonly permission?: Permission;
}

/** The middleware (see the module comment). */
export function authenticate(options: AuthenticateOptions = {}): ApiMiddleware {
  return {
    name: 'authenticate',
    before: async (request) => {
      const { event, context } = request;
      const state = context.api;
      const apiKey = event.headers[API_KEY_HEADER];
      if (apiKey === undefined || apiKey === '')
        throw new ApiError('MISSING_API_KEY', { field: 'X-MBX-APIKEY' });
      if (!CREDENTIAL_PATTERN.test(apiKey))
        throw new ApiError('API_KEY_FORMAT_INVALID', { field: 'X-MBX-APIKEY' });

      const record = await accountStore().lookupKey(apiKey);
      if (record === undefined) throw new ApiError('UNKNOWN_API_KEY', { field: 'X-MBX-APIKEY' });
      if (record.revoked) throw new ApiError('API_KEY_REVOKED', { field: 'X-MBX-APIKEY' });
      if (!ipAllowed(record.ipAllowList, event.requestContext.http.sourceIp)) {
        throw new ApiError('IP_NOT_ALLOWED', { field: 'X-MBX-APIKEY' });
      }

      const now = Date.now();
      const check = verifySignedRequest(
        { rawQueryString: state.rawQueryString, body: state.rawBody, formBody: state.face === 'v3' },
        record.secretKey,
        now,
      );
      if (!check.ok) throw new ApiError(check.failure.code, check.failure);

      const needed = options.permission ?? defaultPermissionFor(event.requestContext.http.method);
      if (!record.permissions.includes(needed)) {
        throw new ApiError('PERMISSION_DENIED', { field: 'X-MBX-APIKEY', detail: needed });
      }

      delete state.params.timestamp;
      delete state.params.recvWindow;
      delete state.params.signature;
      state.caller = {
        accountId: record.accountId,
        apiKey,
        permissions: record.permissions,
        ipAllowList: record.ipAllowList,
      };
      state.signature = {
        value: check.signature,
        claimMs: claimLifetimeMs(check.timestamp, check.recvWindow, now),
      };
    },
  };
}
