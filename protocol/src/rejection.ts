/**
 * A command refused before it reaches the engine core: a stable {@link RejectCode} and
 * its message. Made by `toEngineCommand` and by the API edges' own checks.
 */
import { REJECT_MESSAGES, type RejectCode } from './codes.js';

/** A command refused before it reaches the engine core. */
export interface Rejection {
  readonly code: RejectCode;
  readonly message: string;
}

export function reject(code: RejectCode, detail?: string): Rejection {
  return {
    code,
    message: detail === undefined ? REJECT_MESSAGES[code] : `${REJECT_MESSAGES[code]} ${detail}`,
  };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}
