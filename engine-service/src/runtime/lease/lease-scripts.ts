/**
 * The Lua scripts behind the lease. Each runs atomically in Redis, so a check and the
 * write that depends on it can never interleave with another engine's commands.
 *
 * KEYS[1] is the lease key; its value identifies one acquisition (see `Lease`).
 * Replies of the compare scripts: 1 = the value is ours, 0 = another value is there
 * (taken), -1 = the key is gone (expired or deleted).
 */

/**
 * KEYS[1] lease key, KEYS[2] token counter; ARGV[1] our value, ARGV[2] ttl in ms.
 * Replies with the fencing token, or `nil` while someone else holds the lease.
 *
 * The INCR happens only when our SET succeeded, in the same script, so each token
 * belongs to exactly one acquisition. If the key already holds our value (a retried
 * EVAL whose first reply was lost), the counter has not moved since our INCR, because
 * only a successful SET NX increments it: reply with the same token again.
 */
export const ACQUIRE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('GET', KEYS[2]))
end
return nil
`;

/** KEYS[1] lease key; ARGV[1] our value, ARGV[2] ttl in ms. Extends the ttl only if the value is ours. */
export const RENEW_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
return -1
`;

/** KEYS[1] lease key; ARGV[1] our value. Deletes the key only if the value is ours; replies 1 or 0. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** KEYS[1] token counter; ARGV[1] a token. Raises the counter to the token, never lowers it. */
export const RAISE_TOKEN_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

/** What the compare scripts reply: `OURS`, 0 when another holder has the lease, or `GONE`. */
export const OURS = 1;
export const GONE = -1;
