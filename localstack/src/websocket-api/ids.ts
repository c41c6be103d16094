import { randomFillSync } from 'node:crypto';

const ID_BYTES = 11;
/** Random bytes drawn 4 KiB at a time: an id per request is one slice, not one call into the CSPRNG. */
const pool = Buffer.alloc(ID_BYTES * 372);
let used = pool.length;

/**
 * A connection id shaped like API Gateway's (`L0SM9cOFvHcCIhw=`): 11 random bytes in
 * base64, so 15 characters and one `=`. The URL-safe alphabet keeps ids usable in paths
 * and Redis keys without escaping, as real ids (`b_JNWd5JoAMCLnQ=`) are.
 */
export function connectionId(): string {
  if (used + ID_BYTES > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += ID_BYTES;
  return `${pool.toString('base64url', used - ID_BYTES, used)}=`;
}

/**
 * A request or message id; API Gateway uses the same shape as connection ids, and
 * handlers must treat both as opaque.
 */
export function requestId(): string {
  return connectionId();
}
