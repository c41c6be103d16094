import { randomBytes } from 'node:crypto';

/**
 * A connection id shaped like API Gateway's (`L0SM9cOFvHcCIhw=`): 11 random bytes in
 * base64, so 15 characters and one `=`. The URL-safe alphabet keeps ids usable in paths
 * and Redis keys without escaping, as real ids (`b_JNWd5JoAMCLnQ=`) are.
 */
export function connectionId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

/**
 * A request or message id; API Gateway uses the same shape as connection ids, and
 * handlers must treat both as opaque.
 */
export function requestId(): string {
  return connectionId();
}
