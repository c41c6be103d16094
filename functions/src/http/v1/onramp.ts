/**
 * `POST /api/v1/onramp` (signed, trade): credits test funds, body `{asset, amount}`.
 * 200 `{asset, amount, available, locked}` (the asset's balance after the credit);
 * 202 `{status:'PENDING', requestId}` when the engine's reply is late; 404 when the
 * deployment has the on-ramp switched off; 429 past the day's limit (see `onramp/`).
 */
import { z } from 'zod';
import { creditTestFunds } from '../../onramp/onramp.js';
import { param, respond, signedEndpoint } from '../api.js';

/** `POST /api/v1/onramp`. */
export const handler = signedEndpoint(
  'v1',
  { asset: z.string().regex(/^[A-Z0-9]{1,16}$/), amount: param.decimal() },
  async ({ params, caller }) => {
    const out = await creditTestFunds(caller.accountId, params.asset, params.amount);
    if (out.status === 'pending') return respond(202, { status: 'PENDING', requestId: out.requestId });
    const { status: _, ...credited } = out;
    return credited;
  },
);
