/**
 * Seals API secrets for storage: AES-256-GCM under one 32-byte server key. The
 * database only ever holds sealed secrets; the key lives in configuration
 * (`API_SECRET_KEY`, base64), which in the cloud is filled from Secrets Manager (or a
 * KMS-decrypted value) by the deployment, never from the database.
 *
 * A sealed secret is `version (1 byte) ‖ IV (12) ‖ GCM tag (16) ‖ ciphertext`. The
 * caller's `aad` (the API key) is authenticated with it, so a sealed secret copied to
 * another row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isLocalStage } from './stage.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/**
 * The development key, used only in a local stage (see `stage.ts`) when
 * `API_SECRET_KEY` is unset. It is public — it is right here — so secrets sealed with
 * it are as good as plain text: fine for a laptop and tests, refused in the cloud.
 * The 32 bytes are the ASCII text `local-development-key-not-secret`.
 */
export const DEVELOPMENT_SECRET_KEY = Buffer.from('local-development-key-not-secret', 'ascii');

/** AES-256-GCM sealing with one key. */
export class SecretBox {
  readonly #key: Buffer;

  /** @throws Error when `key` is not 32 bytes */
  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES)
      throw new Error(`the secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** Encrypts `plaintext` with a fresh random IV, binding `aad` to it. */
  seal(plaintext: string, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
  }

  /**
   * Decrypts what {@link seal} produced with the same key and `aad`.
   * @throws Error when the box is malformed, was sealed under another key or `aad`, or was altered
   */
  open(sealed: Buffer, aad: string): string {
    if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  }
}

/**
 * The server key from `API_SECRET_KEY` (32 bytes, base64), or the development key in
 * a local stage when it is unset.
 * @throws Error when the key is malformed, or unset outside a local stage
 *
 * @example
 * // openssl rand -base64 32  →  API_SECRET_KEY=…
 * const box = new SecretBox(serverSecretKey());
 */
export function serverSecretKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const configured = env.API_SECRET_KEY?.trim();
  if (configured === undefined || configured === '') {
    if (isLocalStage(env)) return DEVELOPMENT_SECRET_KEY;
    throw new Error(
      'API_SECRET_KEY is required outside a local stage (32 bytes, base64: openssl rand -base64 32)',
    );
  }
  const key = Buffer.from(configured, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== configured) {
    throw new Error(`API_SECRET_KEY must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}
