/**
 * Account management on `/api/v1`: open sign-up and the caller's own API keys.
 *
 * | route                          | auth            | answer                                              |
 * | ------------------------------ | --------------- | --------------------------------------------------- |
 * | `POST /api/v1/accounts`        | none (if open)  | 201 `{accountId, apiKey, secretKey, label, permissions}` |
 * | `GET /api/v1/keys`             | signed, read    | 200 `{keys: [{apiKey, label, permissions, createdAt, revokedAt}]}` |
 * | `POST /api/v1/keys`            | signed, trade   | 201 like sign-up, for a new key of the same account |
 * | `DELETE /api/v1/keys?apiKey=…` | signed, trade   | 200 `{apiKey, revoked: true}`; 404 for a key not the caller's |
 *
 * The secret key is in the answer of the request that creates it and nowhere else.
 */
import { z } from 'zod';
import { accountStore, MAX_ACTIVE_KEYS_PER_ACCOUNT } from '../../accounts/account-store.js';
import { isOpenSignupEnabled } from '../../accounts/stage.js';
import { ApiError, param, publicEndpoint, respond, signedEndpoint } from '../api.js';

const newKey = {
  label: param.text(64).optional(),
  permissions: z
    .array(z.enum(['read', 'trade']))
    .min(1)
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

/** `POST /api/v1/keys`: another key for the caller's account. */
export const createKey = signedEndpoint(
  'v1',
  newKey,
  async ({ params, caller }) => {
    const created = await accountStore().createKey(caller.accountId, params);
    if (!created.ok) {
      throw new ApiError('API_KEY_LIMIT_REACHED', { detail: String(MAX_ACTIVE_KEYS_PER_ACCOUNT) });
    }
    return respond(201, created.key);
  },
  { permission: 'trade' },
);

/** `DELETE /api/v1/keys?apiKey=…`: revokes one of the caller's keys (it may be the one signing). */
export const revokeKey = signedEndpoint(
  'v1',
  { apiKey: z.string().regex(/^[A-Za-z0-9]{64}$/) },
  async ({ params, caller }) => {
    const outcome = await accountStore().revokeKey(caller.accountId, params.apiKey);
    if (outcome === 'NOT_FOUND') throw new ApiError('API_KEY_NOT_FOUND', { field: 'apiKey' });
    return { apiKey: params.apiKey, revoked: true };
  },
  { permission: 'trade' },
);
