/**
 * The on-ramp: credits test funds (a `DEPOSIT`) to the caller's account. For local
 * stages and test deployments only — switched off in a cloud stage unless
 * `ONRAMP_ENABLED=true` — and limited: at most `ONRAMP_MAX_PER_DAY` (default 10)
 * credits per account per UTC day, each at most {@link ONRAMP_MAX_AMOUNT} of its asset.
 * The day's count lives in Redis (`{REDIS_PREFIX}onramp:{accountId}:{yyyy-mm-dd}`).
 */
import { isRejection, newRequestId, parseUnits, type Reply, toEngineCommand } from '@exchange/protocol';
import { isLocalStage } from '../accounts/stage.js';
import { keys, redis } from '../db/redis.js';
import { submitCommand } from '../engine-client/submit.js';
import { ApiError, rejectionError } from '../http/api.js';
import { marketRegistry } from '../markets.js';

/** The largest single credit per asset; an asset not listed cannot be credited. */
export const ONRAMP_MAX_AMOUNT: Readonly<Record<string, string>> = {
  USDC: '1000000',
  SOL: '10000',
  BTC: '100',
  ETH: '1000',
};

/** Whether the on-ramp is served: `ONRAMP_ENABLED` (`true`/`false`), else only in a local stage. */
export function isOnrampEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.ONRAMP_ENABLED?.trim().toLowerCase();
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return isLocalStage(env);
}

function maxPerDay(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.ONRAMP_MAX_PER_DAY || 10);
  return Number.isInteger(value) && value > 0 ? value : 10;
}

/** The result of a credit: the new balance, or pending when the engine's reply was late. */
export type OnrampOutcome =
  | {
      readonly status: 'done';
      readonly asset: string;
      readonly amount: string;
      readonly available: string;
      readonly locked: string;
    }
  | { readonly status: 'pending'; readonly requestId: string };

/**
 * Credits `amount` of `asset` to the account.
 * @throws ApiError NOT_FOUND when switched off; UNKNOWN_ASSET / AMOUNT_OUT_OF_RANGE for a bad
 *   request; TOO_MANY_REQUESTS (with `Retry-After`) past the day's limit
 */
export async function creditTestFunds(
  accountId: string,
  asset: string,
  amount: string,
  now = Date.now(),
): Promise<OnrampOutcome> {
  if (!isOnrampEnabled()) throw new ApiError('NOT_FOUND');
  const command = { type: 'DEPOSIT', requestId: newRequestId(), accountId, asset, amount } as const;
  const engine = toEngineCommand(command, marketRegistry());
  if (isRejection(engine)) {
    throw rejectionError(engine.code, { field: engine.code === 'UNKNOWN_ASSET' ? 'asset' : 'amount' });
  }
  const max = ONRAMP_MAX_AMOUNT[asset];
  const decimals = marketRegistry().asset(asset)?.decimals ?? 0;
  if (max === undefined || engine.type !== 'DEPOSIT' || engine.amount > parseUnits(max, decimals)) {
    throw rejectionError('AMOUNT_OUT_OF_RANGE', {
      field: 'amount',
      detail: `at most ${max ?? 0} ${asset} per credit`,
    });
  }
  await countToday(accountId, now);
  const out = await submitCommand(command);
  if (out.status === 'pending') return out;
  return { status: 'done', asset, amount, ...balanceOf(out.reply, accountId, asset) };
}

/** Counts one credit against today's limit. */
async function countToday(accountId: string, now: number): Promise<void> {
  const day = new Date(now).toISOString().slice(0, 10);
  const key = `${keys().prefix}onramp:${accountId}:${day}`;
  const [[, count]] = (await redis()
    .multi()
    .incr(key)
    .expire(key, 2 * 86_400)
    .exec()) as [[null, number]];
  const limit = maxPerDay();
  if (count > limit) {
    const nextDay = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
    throw new ApiError(
      'TOO_MANY_REQUESTS',
      { limit: `${limit} on-ramp credits per 1 DAY` },
      { retryAfterSeconds: Math.ceil((nextDay - now) / 1000) },
    );
  }
}

function balanceOf(reply: Reply, accountId: string, asset: string): { available: string; locked: string } {
  if (!reply.ok) throw rejectionError(reply.code, { field: 'amount' });
  const balance = reply.balances.find((b) => b.accountId === accountId && b.asset === asset);
  if (balance === undefined) throw new Error(`reply ${reply.requestId} to DEPOSIT holds no ${asset} balance`);
  return { available: balance.available, locked: balance.locked };
}
