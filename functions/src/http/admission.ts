/**
 * Admitting a request costs one Redis round trip: a Lua script (loaded once per
 * connection, then run by `EVALSHA`) does every Redis check of a request at once.
 *
 * - {@link admitIp} (public endpoints): the source IP's fixed window — `INCRBY`, and
 *   `PEXPIRE` on the window's first hit.
 * - {@link admitSigned} (signed endpoints, after the signature checked out): in this
 *   order, the IP's window; the signature's claim (a replay is refused without spending
 *   the key's budget, so nobody can drain a key by replaying its requests); the API
 *   key's window; then the claim is taken (`SET PX`). A request refused by a limit
 *   does not burn its signature: the client may send it again once the window ends.
 * - {@link admitWindows} (WebSocket messages): any list of windows in order, such as a
 *   connection's message window then its IP's (`ws/message-limits.ts`).
 *
 * Key names: `{prefix}rl:ip:{ip}`, `{prefix}rl:key:{apiKey}`, `{prefix}rl:conn:{connectionId}`, and the claim
 * `{prefix}sig:{apiKey}:{signature}` (`auth/replay-guard.ts`). A limit of 0 points
 * counts nothing (`RATE_LIMIT_ENABLED=false`); the claim is always taken.
 */
import type { Redis } from 'ioredis';

/** Why a request was not admitted. */
export type Refusal = 'ip' | 'key' | 'replay';

/** The outcome of an admission. */
export type Admission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly refusal: Refusal; readonly retryAfterMs: number };

/** One fixed window: its key, its budget, its length. */
export interface WindowSpec {
  readonly key: string;
  /** 0: no limit, nothing counted. */
  readonly points: number;
  readonly windowMs: number;
}

/** `spend(key, weight, points, windowMs)` → -1 within the limit, else ms until the window ends. */
const SPEND = `
local function spend(key, weight, points, windowMs)
  if points == 0 then return -1 end
  local n = redis.call('INCRBY', key, weight)
  if n == weight then redis.call('PEXPIRE', key, windowMs) end
  if n <= points then return -1 end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, windowMs)
    ttl = windowMs
  end
  return ttl
end
`;

/** KEYS: ip window. ARGV: weight, points, window ms. Returns {refused (0/1), ms to reset}. */
const ADMIT_IP = `${SPEND}
local ttl = spend(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
if ttl >= 0 then return {1, ttl} end
return {0, 0}
`;

/**
 * KEYS: ip window, key window, signature claim. ARGV: weight, ip points, ip window ms,
 * key points, key window ms, claim ms. Returns {0 admitted | 1 ip | 2 key | 3 replay, ms to reset}.
 */
const ADMIT_SIGNED = `${SPEND}
local weight = tonumber(ARGV[1])
local ttl = spend(KEYS[1], weight, tonumber(ARGV[2]), tonumber(ARGV[3]))
if ttl >= 0 then return {1, ttl} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {3, 0} end
ttl = spend(KEYS[2], weight, tonumber(ARGV[4]), tonumber(ARGV[5]))
if ttl >= 0 then return {2, ttl} end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[6])
return {0, 0}
`;

/**
 * KEYS: windows, in order. ARGV: weight, points and window ms of each window.
 * Returns {0 admitted | n the first window over its limit (1-based), ms to reset}; the
 * windows after it are not counted.
 */
const ADMIT_WINDOWS = `${SPEND}
for i = 1, #KEYS do
  local at = 3 * (i - 1)
  local ttl = spend(KEYS[i], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]))
  if ttl >= 0 then return {i, ttl} end
end
return {0, 0}
`;

type Outcome = [code: number, retryAfterMs: number];

interface AdmissionCommands {
  exchangeAdmitIp(ipKey: string, weight: number, points: number, windowMs: number): Promise<Outcome>;
  exchangeAdmitSigned(
    ipKey: string,
    keyKey: string,
    claimKey: string,
    weight: number,
    ipPoints: number,
    ipWindowMs: number,
    keyPoints: number,
    keyWindowMs: number,
    claimMs: number,
  ): Promise<Outcome>;
  exchangeAdmitWindows(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<Outcome>;
}

const scripted = new WeakSet<Redis>();

function withScripts(client: Redis): Redis & AdmissionCommands {
  if (!scripted.has(client)) {
    client.defineCommand('exchangeAdmitIp', { numberOfKeys: 1, lua: ADMIT_IP });
    client.defineCommand('exchangeAdmitSigned', { numberOfKeys: 3, lua: ADMIT_SIGNED });
    client.defineCommand('exchangeAdmitWindows', { lua: ADMIT_WINDOWS });
    scripted.add(client);
  }
  return client as Redis & AdmissionCommands;
}

const REFUSALS: readonly (Refusal | undefined)[] = [undefined, 'ip', 'key', 'replay'];

function admissionOf([code, retryAfterMs]: Outcome): Admission {
  const refusal = REFUSALS[code];
  return refusal === undefined ? { admitted: true } : { admitted: false, refusal, retryAfterMs };
}

/**
 * Counts `weight` against the IP's window.
 * @example
 * const out = await admitIp(redis(), { key: `${prefix}rl:ip:${ip}`, points: 100_000, windowMs: 10_000 }, 1);
 * @throws what Redis throws (down, timed out)
 */
export async function admitIp(client: Redis, ip: WindowSpec, weight: number): Promise<Admission> {
  return admissionOf(await withScripts(client).exchangeAdmitIp(ip.key, weight, ip.points, ip.windowMs));
}

/**
 * Counts `weight` against the IP, checks and takes the signature's claim, and counts
 * `weight` against the key — in one round trip (see the module comment for the order).
 * @example
 * const out = await admitSigned(redis(), ipWindow, keyWindow, { key: replayKey(prefix, apiKey, sig), lifetimeMs }, 1);
 * if (!out.admitted && out.refusal === 'replay') throw new ApiError('REPLAYED_REQUEST');
 * @throws what Redis throws (down, timed out)
 */
export async function admitSigned(
  client: Redis,
  ip: WindowSpec,
  key: WindowSpec,
  claim: { readonly key: string; readonly lifetimeMs: number },
  weight: number,
): Promise<Admission> {
  return admissionOf(
    await withScripts(client).exchangeAdmitSigned(
      ip.key,
      key.key,
      claim.key,
      weight,
      ip.points,
      ip.windowMs,
      key.points,
      key.windowMs,
      claim.lifetimeMs,
    ),
  );
}

/** The outcome of {@link admitWindows}: refused names the window over its limit, by index. */
export type WindowsAdmission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly window: number; readonly retryAfterMs: number };

/**
 * Counts each window's `weight` against it in turn, in one round trip; refused at the
 * first window over its limit (the later ones are not counted).
 * @example
 * const out = await admitWindows(redis(), [{ ...connectionWindow, weight: 1 }, { ...ipWindow, weight: 2 }]);
 * if (!out.admitted && out.window === 0) refuseConnection(out.retryAfterMs);
 * @throws what Redis throws (down, timed out)
 */
export async function admitWindows(
  client: Redis,
  windows: readonly (WindowSpec & { readonly weight: number })[],
): Promise<WindowsAdmission> {
  if (windows.length === 0) return { admitted: true };
  const [code, retryAfterMs] = await withScripts(client).exchangeAdmitWindows(
    windows.length,
    ...windows.map((w) => w.key),
    ...windows.flatMap((w) => [w.weight, w.points, w.windowMs]),
  );
  return code === 0 ? { admitted: true } : { admitted: false, window: code - 1, retryAfterMs };
}
