/**
 * Withdrawal safety through the API Gateway emulator and the whole trading stack: the
 * per-asset minimum, the cap on unsettled withdrawals, the client's idempotency id,
 * a queue that cannot take the command (answered 202, finished once by the
 * settlement), and statuses that only move forward.
 */
import { resetOrdersQueue } from '@exchange/functions/engine-client/orders-queue';
import { settleDueWithdrawals } from '@exchange/functions/withdrawals/settle';
import { updateWithdrawal } from '@exchange/functions/withdrawals/withdrawal-store';
import { call, signUp, type TestKey } from '../trading/client.js';
import { startTradingStack, type TradingStack } from '../trading/stack.js';

let stack: TradingStack;
beforeAll(async () => {
  stack = await startTradingStack();
});
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

async function funded(usdc: string): Promise<TestKey> {
  const key = await signUp(stack.api, { permissions: ['read', 'trade', 'withdraw'] });
  const credited = await call(stack.api, key, 'POST', '/api/v1/onramp', {}, { asset: 'USDC', amount: usdc });
  expect(credited.status).toBe(200);
  return key;
}

const withdraw = (key: TestKey, body: Record<string, unknown>) =>
  call(stack.api, key, 'POST', '/api/v1/withdrawals', {}, { asset: 'USDC', address: 'addr', ...body });

const usdc = async (key: TestKey) =>
  (await call(stack.api, key, 'GET', '/api/v1/balances')).body.balances.find(
    (b: { asset: string }) => b.asset === 'USDC',
  );

it('refuses an amount below the asset’s minimum, recording nothing', async () => {
  const key = await funded('10');
  const dust = await withdraw(key, { amount: '0.5' });
  const listed = await call(stack.api, key, 'GET', '/api/v1/withdrawals');
  expect(dust.status).toBe(400);
  expect(dust.body).toMatchObject({ code: 'WITHDRAWAL_BELOW_MINIMUM', field: 'amount' });
  expect(dust.body.message).toContain('1 USDC');
  expect(listed.body.withdrawals).toEqual([]);
});

it('answers a repeated clientWithdrawalId with the first withdrawal, locking once', async () => {
  const key = await funded('10');
  const first = await withdraw(key, { amount: '2', clientWithdrawalId: 'w-1' });
  const again = await withdraw(key, { amount: '2', clientWithdrawalId: 'w-1' });
  const other = await funded('10');
  const otherAccount = await withdraw(other, { amount: '2', clientWithdrawalId: 'w-1' });

  expect(first.status).toBe(200);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  expect(otherAccount.body.requestId).not.toBe(first.body.requestId);
  expect(await usdc(key)).toEqual({ asset: 'USDC', available: '8.000000', locked: '2.000000' });
});

it('lets at most 10 withdrawals of an account wait for settlement', async () => {
  const key = await funded('100');
  const answers: number[] = [];
  for (let i = 0; i < 11; i++) answers.push((await withdraw(key, { amount: '1' })).status);
  const refused = await withdraw(key, { amount: '1' });

  expect(answers).toEqual([...Array(10).fill(200), 409]);
  expect(refused.body).toMatchObject({ code: 'TOO_MANY_UNSETTLED_WITHDRAWALS' });
  expect(await usdc(key)).toEqual({ asset: 'USDC', available: '90.000000', locked: '10.000000' });
});

it('answers 202 when the queue cannot take a recorded withdrawal, and the settlement finishes it once', async () => {
  // Prepare: the queue's endpoint points nowhere
  const key = await funded('10');
  const endpoint = process.env.SQS_ENDPOINT;
  process.env.SQS_ENDPOINT = 'http://127.0.0.1:1';
  resetOrdersQueue();
  let unsent: Awaited<ReturnType<typeof withdraw>>;
  try {
    // Act
    unsent = await withdraw(key, { amount: '3' });
  } finally {
    process.env.SQS_ENDPOINT = endpoint;
    resetOrdersQueue();
  }
  const locked = await settleDueWithdrawals(Date.now() + 1_000, 0);
  const settled = await settleDueWithdrawals(Date.now() + 1_000, 0);
  const listed = await call(stack.api, key, 'GET', '/api/v1/withdrawals');

  // Assess
  expect(unsent.status).toBe(202);
  expect(unsent.body).toMatchObject({ status: 'REQUESTED', withdrawalId: null });
  expect([...locked.settled, ...settled.settled].map((w) => w.status)).toContain('COMPLETED');
  expect(listed.body.withdrawals).toEqual([
    expect.objectContaining({ requestId: unsent.body.requestId, status: 'COMPLETED', amount: '3' }),
  ]);
  expect(await usdc(key)).toEqual({ asset: 'USDC', available: '7.000000', locked: '0.000000' });
});

it('moves a withdrawal only forward: a settled one stays settled', async () => {
  const key = await funded('10');
  const made = await withdraw(key, { amount: '1', address: 'fail-1' });
  await settleDueWithdrawals(Date.now() + 1_000, 0);

  const back = await updateWithdrawal(made.body.requestId, { status: 'PENDING' });
  const over = await updateWithdrawal(made.body.requestId, { status: 'COMPLETED' });

  expect(back.status).toBe('FAILED');
  expect(over.status).toBe('FAILED');
  expect(await usdc(key)).toEqual({ asset: 'USDC', available: '10.000000', locked: '0.000000' });
});
