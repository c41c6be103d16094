/**
 * The admission of signed endpoints, right after `authenticate` (whose checks are all
 * CPU and cached lookups): one Redis round trip counts the request against its source
 * IP, refuses a replayed signature, counts it against its API key and claims the
 * signature (`../admission.ts`, `admitSigned`). Refusals: 429 (-1003) with
 * `Retry-After` for a spent budget, 401 `REPLAYED_REQUEST` (-1002) for a replay.
 *
 * A signed request cannot be checked for replay without Redis: when Redis is down it
 * is refused 503 (`SERVICE_UNAVAILABLE`), at once if the connection is known lost.
 *
 * A request refused before admission (bad parameters, unknown key, wrong signature) is
 * still counted against its IP, on the error path only, so a flood of forged requests
 * meets the IP limit too; over it, the answer becomes 429.
 */
import { replayKey } from '../../auth/replay-guard.js';
import { DependencyUnavailableError } from '../../db/dependency-errors.js';
import { keys, redis, redisDown } from '../../db/redis.js';
import { admitSigned } from '../admission.js';
import type { ApiMiddleware } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { rateLimits } from '../rate-limit-settings.js';
import { ipWindowKey, keyWindowKey, spendIp, tooManyRequests } from './rate-limit.js';

/** The middleware: counts `weight` (default 1) against IP and key, and claims the signature. */
export function admit(weight = 1): ApiMiddleware {
  return {
    name: 'admit',
    before: async (request) => {
      const state = request.context.api;
      const caller = state.caller;
      const signature = state.signature;
      if (caller === undefined || signature === undefined) {
        throw new Error('admit runs after authenticate, which sets the caller and signature');
      }
      const client = redis();
      if (redisDown(client)) throw new DependencyUnavailableError('redis', 'reconnecting');
      const settings = rateLimits();
      const on = settings.enabled;
      const admission = await admitSigned(
        client,
        {
          key: ipWindowKey(request.event.requestContext.http.sourceIp),
          points: on ? settings.ipPoints : 0,
          windowMs: settings.ipWindowSeconds * 1000,
        },
        {
          key: keyWindowKey(caller.apiKey),
          points: on ? settings.keyPoints : 0,
          windowMs: settings.keyWindowSeconds * 1000,
        },
        { key: replayKey(keys().prefix, caller.apiKey, signature.value), lifetimeMs: signature.claimMs },
        weight,
      );
      if (!admission.admitted) {
        if (admission.refusal === 'replay') throw new ApiError('REPLAYED_REQUEST', { field: 'signature' });
        throw tooManyRequests(admission.refusal, admission.retryAfterMs);
      }
      state.admitted = true;
    },
    onError: async (request) => {
      const error = request.error;
      if (request.context.api?.admitted === true || !rateLimits().enabled) return;
      if (!(error instanceof ApiError) || error.status('v1') >= 500 || error.code === 'TOO_MANY_REQUESTS') {
        return;
      }
      const ip = request.event.requestContext.http.sourceIp;
      try {
        const retryAfterMs = await spendIp(ip, weight);
        if (retryAfterMs >= 0) request.error = tooManyRequests('ip', retryAfterMs);
      } catch {
        // Counting a refused request is best effort: its own answer stands.
      }
    },
  };
}
