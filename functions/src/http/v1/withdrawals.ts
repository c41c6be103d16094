/**
 * Withdrawals on `/api/v1` (signed; the key needs `withdraw` to make one, `read` to list).
 * `POST /api/v1/withdrawals` `{asset, amount, address, clientWithdrawalId?}` locks the
 * amount in the engine: 200 with the withdrawal (`status: 'PENDING'`), or `REQUESTED`
 * with 202 when the engine's reply was late or the queue could not take it yet. A
 * settlement step completes it later (`withdrawals/settle.ts`; an address starting
 * with `fail` fails and unlocks). A `clientWithdrawalId` sent again answers the
 * withdrawal it made, as it stands; at most 10 withdrawals per account wait for
 * settlement at once (409), and each asset has a minimum (`withdrawal-limits.ts`).
 * `GET /api/v1/withdrawals` lists the caller's, newest first:
 * `{withdrawals: [{requestId, withdrawalId, asset, amount, address, status, reason, createdAt, updatedAt}]}`.
 */
import { z } from 'zod';
import { withdrawalsOf } from '../../withdrawals/withdrawal-store.js';
import { requestWithdrawal } from '../../withdrawals/withdrawals.js';
import { param, respond, signedEndpoint } from '../api.js';

/** `POST /api/v1/withdrawals`. */
export const createWithdrawal = signedEndpoint(
  'v1',
  {
    asset: z.string().regex(/^[A-Z0-9]{1,16}$/),
    amount: param.decimal(),
    address: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/),
    clientWithdrawalId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/)
      .optional(),
  },
  async ({ params, caller }) => {
    const { accountId: _, ...withdrawal } = await requestWithdrawal(caller.accountId, params);
    return withdrawal.status === 'REQUESTED' ? respond(202, withdrawal) : withdrawal;
  },
  { permission: 'withdraw' },
);

/** `GET /api/v1/withdrawals`. */
export const listWithdrawals = signedEndpoint(
  'v1',
  { limit: param.integer({ min: 1, max: 1000 }).optional() },
  async ({ params, caller }) => ({
    withdrawals: (await withdrawalsOf(caller.accountId, params.limit ?? 100)).map(
      ({ accountId: _, ...w }) => w,
    ),
  }),
);
