/**
 * New identifiers and secrets, from `crypto.randomBytes` only.
 *
 * API keys and secrets look like Binance's: 64 letters and digits (about 381 bits of
 * randomness), so clients that check the shape accept them. Account ids are `acc_` and
 * 16 base32 characters (80 bits): opaque, short enough for logs and Redis key names.
 */
import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 62 that fits a byte: bytes at or above it are drawn again, so no character is favoured. */
const UNBIASED_LIMIT = 248;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The length of API keys and secret keys. */
export const CREDENTIAL_LENGTH = 64;

/** An API key or secret key must look like this. */
export const CREDENTIAL_PATTERN = /^[A-Za-z0-9]{64}$/;

/** A uniformly random string of `length` letters and digits. */
export function randomAlphanumeric(length: number = CREDENTIAL_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < UNBIASED_LIMIT && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** A new account id: `acc_` and 16 lower-case base32 characters. */
export function newAccountId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'acc_';
  for (const byte of bytes) {
    // Only the bits not yet emitted (fewer than 13) are kept, so the shift never overflows.
    value = ((value << 8) | byte) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(value >>> bits) & 31];
    }
  }
  return out;
}
