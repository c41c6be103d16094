/**
 * Account management on `/api/v1`: open sign-up and the caller's own API keys.
 *
 * | route                          | auth                | answer                                              |
 * | ------------------------------ | ------------------- | --------------------------------------------------- |
 * | `POST /api/v1/accounts`        | none (if open)      | 201 `{accountId, apiKey, secretKey, label, permissions, ipAllowList}` |
 * | `GET /api/v1/keys`             | signed, read        | 200 `{keys: [{apiKey, label, permissions, ipAllowList, createdAt, revokedAt}]}` |
 * | `POST /api/v1/keys`            | signed, manageKeys  | 201 like sign-up, for a new key of the same account |
 * | `DELETE /api/v1/keys?apiKey=…` | signed, manageKeys  | 200 `{apiKey, revoked: true}`; 404 for a key not the caller's |
 *
 * Both creating routes take `{label?, permissions?, ipAllowList?}`. Permissions default
 * to `read` and `trade` (`accounts/permissions.ts`); sign-up may ask for any, since it
 * makes a fresh, empty account, while a key creating a key can grant only what it
 * holds and only within its own IP allow-list (403 `PERMISSION_ESCALATION`). The
 * secret key is in the answer of the request that creates it and nowhere else.
 */
import { z } from 'zod';
import { accountStore, MAX_ACTIVE_KEYS_PER_ACCOUNT } from '../../accounts/account-store.js';
import { allowListWithin, isValidAllowList, MAX_ALLOW_LIST_ENTRIES } from '../../accounts/ip-allow-list.js';
import { DEFAULT_PERMISSIONS, exceeding, PERMISSIONS } from '../../accounts/permissions.js';
import { isOpenSignupEnabled } from '../../accounts/stage.js';
import { dropKeyConnections } from '../../ws/drop-connections.js';
import { ApiError, param, publicEndpoint, respond, signedEndpoint } from '../api.js';

const newKey = {
  label: param.text(64).optional(),
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
  ipAllowList: z
    .array(z.string().max(64))
    .max(MAX_ALLOW_LIST_ENTRIES)
    .refine(isValidAllowList, 'expected IPv4 or IPv6 addresses or CIDR blocks')
    .optional(),
};

/** `POST /api/v1/accounts`: a new account and its first key (`OPEN_SIGNUP`, see `accounts/stage.ts`). */
export const signUp = publicEndpoint('v1', newKey, async ({ params }) => {
  if (!isOpenSignupEnabled()) throw new ApiError('SIGNUP_DISABLED');
  return respond(201, await accountStore().createAccount(params));
});

/** `GET /api/v1/keys`: the caller's keys, revoked ones included, without secrets. */
export const listKeys = signedEndpoint('v1', {}, async ({ caller }) => ({
  keys: await accountStore().listKeys(caller.accountId),
}));

/** `POST /api/v1/keys`: another key for the caller's account, with at most the caller's powers. */
export const createKey = signedEndpoint(
  'v1',
  newKey,
  async ({ params, caller }) => {
    const missing = exceeding(params.permissions ?? DEFAULT_PERMISSIONS, caller.permissions);
    if (missing.length > 0) {
      throw new ApiError('PERMISSION_ESCALATION', { field: 'permissions', detail: missing.join(', ') });
    }
    // A restricted key's new key inherits its list when it names none.
    const ipAllowList = params.ipAllowList ?? caller.ipAllowList;
    if (!allowListWithin(ipAllowList, caller.ipAllowList)) {
      throw new ApiError('PERMISSION_ESCALATION', {
        field: 'ipAllowList',
        detail: 'addresses outside its IP allow-list',
      });
    }
    const created = await accountStore().createKey(caller.accountId, { ...params, ipAllowList });
    if (!created.ok) {
      throw new ApiError('API_KEY_LIMIT_REACHED', { detail: String(MAX_ACTIVE_KEYS_PER_ACCOUNT) });
    }
    return respond(201, created.key);
  },
  { permission: 'manageKeys' },
);

/** `DELETE /api/v1/keys?apiKey=…`: revokes one of the caller's keys (it may be the one signing). */
export const revokeKey = signedEndpoint(
  'v1',
  { apiKey: z.string().regex(/^[A-Za-z0-9]{64}$/) },
  async ({ params, caller }) => {
    const outcome = await accountStore().revokeKey(caller.accountId, params.apiKey);
    if (outcome === 'NOT_FOUND') throw new ApiError('API_KEY_NOT_FOUND', { field: 'apiKey' });
    await dropKeyConnections([params.apiKey]);
    return { apiKey: params.apiKey, revoked: true };
  },
  { permission: 'manageKeys' },
);
