/**
 * The per-connection message limits of the WebSocket API, from the environment, read
 * once per process. Windows are fixed (a window starts with its first message), as the
 * REST limits' are (`../http/rate-limit-settings.ts`, whose `RATE_LIMIT_ENABLED` turns
 * these off too).
 *
 * - **Stream routes** (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `$default`):
 *   Binance's 5 incoming messages per second per connection in a cloud stage.
 * - **WebSocket API** (`{"id","method","params"}`): a cap on messages per connection;
 *   the request weight of each method is counted per IP (and per key when signed) by the
 *   `/api/v3` endpoint that answers it, like any REST call.
 *
 * | variable                           | local default | cloud default |
 * | ---------------------------------- | ------------- | ------------- |
 * | `WS_STREAM_MESSAGES`               | `100`         | `5`           |
 * | `WS_STREAM_MESSAGE_WINDOW_SECONDS` | `1`           | `1`           |
 * | `WS_API_MESSAGES`                  | `50000`       | `300`         |
 * | `WS_API_MESSAGE_WINDOW_SECONDS`    | `10`          | `10`          |
 */
import { isLocalStage } from '../accounts/stage.js';

/** One connection's budget: `messages` per `windowSeconds`. */
export interface MessageLimit {
  readonly messages: number;
  readonly windowSeconds: number;
}

/** The limits in force. */
export interface MessageLimitSettings {
  readonly stream: MessageLimit;
  readonly api: MessageLimit;
}

/** A local stage's limits when the environment sets none: room for tests and bots. */
export const DEFAULT_MESSAGE_LIMITS: MessageLimitSettings = {
  stream: { messages: 100, windowSeconds: 1 },
  api: { messages: 50_000, windowSeconds: 10 },
};

/** A cloud stage's limits when the environment sets none: Binance's 5/s on the streams, 30/s on average on the API. */
export const CLOUD_MESSAGE_LIMITS: MessageLimitSettings = {
  stream: { messages: 5, windowSeconds: 1 },
  api: { messages: 300, windowSeconds: 10 },
};

/**
 * The limits from the environment (table above).
 * @throws Error when a variable is set to something other than a positive integer
 */
export function messageLimitSettings(env: NodeJS.ProcessEnv = process.env): MessageLimitSettings {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`${name} must be a positive integer, not "${raw}"`);
    }
    return value;
  };
  const defaults = isLocalStage(env) ? DEFAULT_MESSAGE_LIMITS : CLOUD_MESSAGE_LIMITS;
  return {
    stream: {
      messages: positive('WS_STREAM_MESSAGES', defaults.stream.messages),
      windowSeconds: positive('WS_STREAM_MESSAGE_WINDOW_SECONDS', defaults.stream.windowSeconds),
    },
    api: {
      messages: positive('WS_API_MESSAGES', defaults.api.messages),
      windowSeconds: positive('WS_API_MESSAGE_WINDOW_SECONDS', defaults.api.windowSeconds),
    },
  };
}

let current: MessageLimitSettings | undefined;

/** The process's limits: {@link messageLimitSettings} of `process.env`, read on first use. */
export function messageLimits(): MessageLimitSettings {
  current ??= messageLimitSettings();
  return current;
}

/** The wording of a limit in refusals: `5 messages per 1 SECOND per connection`. */
export function messageLimitDescription(limit: MessageLimit): string {
  return `${limit.messages} messages per ${limit.windowSeconds} SECOND per connection`;
}
