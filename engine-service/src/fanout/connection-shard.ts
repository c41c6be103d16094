/**
 * Which fan-out process serves a connection: `shard = hash(connectionId) mod count`,
 * with a hash computed the same way here and inside Redis ({@link SHARD_MEMBERS_LUA}),
 * so that each fan-out reads only its own connections out of the registry's stream sets
 * and no connection is served twice or forgotten.
 *
 * The hash is a polynomial over the id's UTF-8 bytes modulo the prime 2^31 − 1: every
 * intermediate stays below 2^36, exact in both JavaScript numbers and Redis's Lua
 * doubles, and API Gateway's random ids spread evenly over the shards.
 */

/** One fan-out's part: `index` in `[0, count)`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const MODULUS = 2_147_483_647;

/** The shard of `connectionId` among `count`. */
export function shardOf(connectionId: string, count: number): number {
  let hash = 0;
  for (const byte of Buffer.from(connectionId, 'utf8')) hash = (hash * 31 + byte) % MODULUS;
  return hash % count;
}

/**
 * `i/n` (as in `FANOUT_SHARD=0/2`) as a {@link Shard}.
 * @throws Error when it is not two integers with 0 ≤ i < n
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1 && index < count)) {
    throw new Error(`a shard is i/n with 0 <= i < n, got "${text}"`);
  }
  return { index, count };
}

/**
 * The members of the set `KEYS[1]` whose {@link shardOf} among `ARGV[2]` is `ARGV[1]`:
 * a fan-out's share of one `ws:stream:{stream}`, filtered where the set lives.
 */
export const SHARD_MEMBERS_LUA = `
local index = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local mine = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local hash = 0
  for i = 1, #id do hash = (hash * 31 + string.byte(id, i)) % ${MODULUS} end
  if hash % count == index then mine[#mine + 1] = id end
end
return mine
`;
