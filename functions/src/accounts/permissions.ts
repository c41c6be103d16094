/**
 * What an API key may do. Each signed endpoint needs exactly one permission:
 *
 * | permission   | grants                                                            |
 * | ------------ | ----------------------------------------------------------------- |
 * | `read`       | every signed `GET`: balances, orders, fills, keys, withdrawals     |
 * | `trade`      | orders and cancels on both faces, the test on-ramp                 |
 * | `withdraw`   | `POST /api/v1/withdrawals`                                         |
 * | `manageKeys` | `POST` and `DELETE /api/v1/keys`                                   |
 *
 * A key gets `read` and `trade` unless it asks otherwise; `withdraw` and `manageKeys`
 * are only ever granted on request, and a key can never create a key holding a
 * permission it lacks itself ({@link exceeding}), so a leaked trading key can neither
 * move funds out nor mint keys that outlive its revocation.
 */

/** Every permission, in the order they are listed. */
export const PERMISSIONS = ['read', 'trade', 'withdraw', 'manageKeys'] as const;

/** One permission of an API key. */
export type Permission = (typeof PERMISSIONS)[number];

/** What a key gets when its creator names no permissions: reading and trading, nothing more. */
export const DEFAULT_PERMISSIONS: readonly Permission[] = ['read', 'trade'];

/** The permission a signed endpoint needs when it names none: `read` for GET and HEAD, else `trade`. */
export function defaultPermissionFor(method: string): Permission {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'trade';
}

/** `permissions` without repeats, in {@link PERMISSIONS} order (how they are stored and shown). */
export function normalizePermissions(permissions: readonly Permission[]): Permission[] {
  return PERMISSIONS.filter((p) => permissions.includes(p));
}

/**
 * The permissions of `requested` that `held` lacks: empty when a key holding `held`
 * may create a key with `requested`.
 *
 * @example
 * exceeding(['read', 'withdraw'], ['read', 'trade', 'manageKeys']); // ['withdraw']
 */
export function exceeding(requested: readonly Permission[], held: readonly Permission[]): Permission[] {
  return normalizePermissions(requested).filter((p) => !held.includes(p));
}
