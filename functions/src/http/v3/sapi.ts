/**
 * The account subset of Binance's `/sapi` that bots call, on the REST API's `/api/v3`
 * rules (signing, permissions, Binance's error codes):
 *
 * | route                                      | answers                                                       |
 * | ------------------------------------------ | ------------------------------------------------------------- |
 * | `GET /sapi/v1/system/status` (public)      | `{"status":0,"msg":"normal"}`                                 |
 * | `GET /sapi/v1/asset/tradeFee[?symbol=]`    | `[{symbol, makerCommission, takerCommission}]`, the markets' fees |
 * | `GET /sapi/v1/capital/deposit/address?coin=` | `{address, coin, tag:"", url:""}`: a deterministic local address per account and asset (`local-…`; deposits here are the on-ramp) |
 * | `POST /sapi/v1/capital/withdraw/apply?coin=&address=&amount=[&withdrawOrderId=]` | `{"id"}`: a withdrawal of the two-phase flow (`withdrawals/`), `withdraw` permission |
 * | `GET /sapi/v1/capital/withdraw/history[?coin=&withdrawOrderId=&status=&limit=]` | Binance's withdrawal records, newest first |
 *
 * Withdrawal statuses map to Binance's: `REQUESTED`/`PENDING` 4 (processing),
 * `COMPLETED` 6, `FAILED` 5, `REJECTED` 3. No fee is charged (`transactionFee` "0").
 */
import { createHash } from 'node:crypto';
import { binanceSymbol, formatUnits, type Market } from '@exchange/protocol';
import { z } from 'zod';
import { marketRegistry, resolveMarket } from '../../markets.js';
import { type WithdrawalRecord, withdrawalsOf } from '../../withdrawals/withdrawal-store.js';
import { requestWithdrawal } from '../../withdrawals/withdrawals.js';
import { ApiError, param, publicEndpoint, signedEndpoint } from '../api.js';

const COIN = z.string().regex(/^[A-Z0-9]{1,16}$/);
const BINANCE_WITHDRAWAL_STATUS: Readonly<Record<WithdrawalRecord['status'], number>> = {
  REQUESTED: 4,
  PENDING: 4,
  COMPLETED: 6,
  FAILED: 5,
  REJECTED: 3,
};

/** `GET /sapi/v1/system/status`. */
export const systemStatus = publicEndpoint('v3', {}, () => ({ status: 0, msg: 'normal' }));

/** A fee in basis points as Binance's rate: 10 → "0.001". Pure. */
export function feeRate(bps: number): string {
  return formatUnits(bps, 4).replace(/\.?0+$/, '');
}

/** `GET /sapi/v1/asset/tradeFee`. */
export const tradeFee = signedEndpoint('v3', { symbol: param.symbol().optional() }, ({ params }) => {
  const markets: readonly Market[] =
    params.symbol === undefined ? marketRegistry().markets : [resolveMarket(params.symbol)];
  return markets.map((market) => ({
    symbol: binanceSymbol(market.symbol),
    makerCommission: feeRate(market.makerFeeBps),
    takerCommission: feeRate(market.takerFeeBps),
  }));
});

/** The account's deposit address for an asset: the same every time, never another account's. Pure. */
export function depositAddress(accountId: string, asset: string): string {
  return `local-${createHash('sha256').update(`${accountId}:${asset}`).digest('hex').slice(0, 40)}`;
}

/** `GET /sapi/v1/capital/deposit/address?coin=`. */
export const depositAddressOf = signedEndpoint(
  'v3',
  { coin: COIN, network: z.string().max(32).optional() },
  ({ params, caller }) => {
    if (marketRegistry().asset(params.coin) === undefined) {
      throw new ApiError('UNKNOWN_ASSET', { field: 'coin' });
    }
    return { address: depositAddress(caller.accountId, params.coin), coin: params.coin, tag: '', url: '' };
  },
);

/** `POST /sapi/v1/capital/withdraw/apply`. */
export const withdrawApply = signedEndpoint(
  'v3',
  {
    coin: COIN,
    address: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/),
    amount: param.decimal(),
    withdrawOrderId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/)
      .optional(),
    network: z.string().max(32).optional(),
    name: z.string().max(64).optional(),
  },
  async ({ params, caller }) => {
    const withdrawal = await requestWithdrawal(caller.accountId, {
      asset: params.coin,
      amount: params.amount,
      address: params.address,
      ...(params.withdrawOrderId === undefined ? {} : { clientWithdrawalId: params.withdrawOrderId }),
    });
    return { id: withdrawal.requestId };
  },
  { permission: 'withdraw' },
);

/** Binance's `applyTime` format: `YYYY-MM-DD HH:MM:SS`, UTC. */
const binanceTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** `GET /sapi/v1/capital/withdraw/history`. */
export const withdrawHistory = signedEndpoint(
  'v3',
  {
    coin: COIN.optional(),
    withdrawOrderId: z.string().max(64).optional(),
    status: param.integer({ max: 6 }).optional(),
    limit: param.integer({ min: 1, max: 1000 }).optional(),
  },
  async ({ params, caller }) =>
    (await withdrawalsOf(caller.accountId, 1000))
      .filter((w) => params.coin === undefined || w.asset === params.coin)
      .filter((w) => params.withdrawOrderId === undefined || w.clientWithdrawalId === params.withdrawOrderId)
      .filter((w) => params.status === undefined || BINANCE_WITHDRAWAL_STATUS[w.status] === params.status)
      .slice(0, params.limit ?? 1000)
      .map((w) => ({
        id: w.requestId,
        amount: w.amount,
        transactionFee: '0',
        coin: w.asset,
        status: BINANCE_WITHDRAWAL_STATUS[w.status],
        address: w.address,
        txId: w.status === 'COMPLETED' ? `local-${w.requestId}` : '',
        applyTime: binanceTime(w.createdAt),
        network: w.asset,
        transferType: 0,
        ...(w.clientWithdrawalId === null ? {} : { withdrawOrderId: w.clientWithdrawalId }),
        info: w.reason ?? '',
        confirmNo: w.status === 'COMPLETED' ? 1 : 0,
        walletType: 0,
        txKey: '',
        ...(w.status === 'COMPLETED' ? { completeTime: binanceTime(w.updatedAt) } : {}),
      })),
  { permission: 'read' },
);
