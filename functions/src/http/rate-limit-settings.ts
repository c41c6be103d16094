/**
 * The rate limits in force, from the environment, read once per process. Windows are
 * fixed (a window starts with its first request). The defaults depend on the stage
 * (`accounts/stage.ts`): a local stage's are sized for a market-maker bot and a load
 * test at 5,000 requests/s from one IP; a cloud stage's are Binance's (6,000 request
 * weight per minute and IP), far below the API stage's own throttle, so that one
 * address cannot push every other client into 429s.
 *
 * | variable                        | local default | cloud default |
 * | ------------------------------- | ------------- | ------------- |
 * | `RATE_LIMIT_ENABLED`            | `true`        | `true`        |
 * | `RATE_LIMIT_IP_POINTS`          | `100000`      | `1000`        |
 * | `RATE_LIMIT_IP_WINDOW_SECONDS`  | `10`          | `10`          |
 * | `RATE_LIMIT_KEY_POINTS`         | `60000`       | `1000`        |
 * | `RATE_LIMIT_KEY_WINDOW_SECONDS` | `10`          | `10`          |
 */
import { isLocalStage } from '../accounts/stage.js';

/** The limits in force. */
export interface RateLimitSettings {
  readonly enabled: boolean;
  readonly ipPoints: number;
  readonly ipWindowSeconds: number;
  readonly keyPoints: number;
  readonly keyWindowSeconds: number;
}

/** Which budget a request is counted against. */
export type RateLimitScope = 'ip' | 'key';

/** A local stage's limits when the environment sets none: 10,000 req/s per IP and 6,000 req/s per key on average. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  ipPoints: 100_000,
  ipWindowSeconds: 10,
  keyPoints: 60_000,
  keyWindowSeconds: 10,
};

/** A cloud stage's limits when the environment sets none: 100 request weight/s per IP and per key on average. */
export const CLOUD_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  ipPoints: 1_000,
  ipWindowSeconds: 10,
  keyPoints: 1_000,
  keyWindowSeconds: 10,
};

/**
 * The limits from the environment (table above).
 * @throws Error when a variable is set to something other than a positive integer (or `true`/`false`)
 */
export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const enabled = env.RATE_LIMIT_ENABLED?.trim().toLowerCase();
  if (enabled !== undefined && enabled !== '' && enabled !== 'true' && enabled !== 'false') {
    throw new Error(`RATE_LIMIT_ENABLED must be "true" or "false", not "${env.RATE_LIMIT_ENABLED}"`);
  }
  const positive = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, not "${raw}"`);
    return value;
  };
  const defaults = isLocalStage(env) ? DEFAULT_RATE_LIMITS : CLOUD_RATE_LIMITS;
  return {
    enabled: enabled !== 'false',
    ipPoints: positive('RATE_LIMIT_IP_POINTS', defaults.ipPoints),
    ipWindowSeconds: positive('RATE_LIMIT_IP_WINDOW_SECONDS', defaults.ipWindowSeconds),
    keyPoints: positive('RATE_LIMIT_KEY_POINTS', defaults.keyPoints),
    keyWindowSeconds: positive('RATE_LIMIT_KEY_WINDOW_SECONDS', defaults.keyWindowSeconds),
  };
}

let current: RateLimitSettings | undefined;

/** The process's limits: {@link rateLimitSettings} of `process.env`, read on first use. */
export function rateLimits(): RateLimitSettings {
  current ??= rateLimitSettings();
  return current;
}

/** Binance's wording of a limit, for -1003: `100000 request weight per 10 SECOND`. */
export function limitDescription(settings: RateLimitSettings, scope: RateLimitScope): string {
  return scope === 'ip'
    ? `${settings.ipPoints} request weight per ${settings.ipWindowSeconds} SECOND`
    : `${settings.keyPoints} request weight per ${settings.keyWindowSeconds} SECOND`;
}
