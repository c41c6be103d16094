import { type ExecutionResult, replySchema, toReply } from '@exchange/protocol';
import { Harness, timeOf } from './harness.js';

/** Bob's ask #3 filled by alice's buy #4; the fee account took its share. */
function trade(): { h: Harness; result: ExecutionResult } {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('bob', 'SOL', '10');
  h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
  const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
  return { h, result: buy.result as ExecutionResult };
}

describe('the reply to a command', () => {
  it('tells the taker only its own order, fill and balances', () => {
    // Prepare
    const { h, result } = trade();

    // Act
    const reply = replySchema.parse(toReply('r-4', 'alice', result, h.registry));

    // Assess
    expect(reply).toMatchObject({
      ok: true,
      requestId: 'r-4',
      seq: 4,
      time: timeOf(4),
      orders: [{ orderId: 4, accountId: 'alice', status: 'FILLED' }],
      fills: [
        {
          tradeId: 1,
          market: 'SOL_USDC',
          orderId: 4,
          side: 'BUY',
          price: '100.00',
          quantity: '1.000',
          quoteQuantity: '100.000000',
          fee: '0.00200000',
          feeAsset: 'SOL',
          isMaker: false,
          time: timeOf(4),
        },
      ],
      balances: [
        { accountId: 'alice', asset: 'USDC', available: '900.000000', locked: '0.000000' },
        { accountId: 'alice', asset: 'SOL', available: '0.99800000', locked: '0.00000000' },
      ],
      withdrawals: [],
    });
  });

  it('tells the maker only its own side of the same result', () => {
    // Prepare
    const { h, result } = trade();

    // Act
    const reply = replySchema.parse(toReply('r-x', 'bob', result, h.registry));

    // Assess
    expect(reply).toMatchObject({
      ok: true,
      orders: [{ orderId: 3, accountId: 'bob', status: 'FILLED' }],
      fills: [{ tradeId: 1, orderId: 3, side: 'SELL', fee: '0.100000', feeAsset: 'USDC', isMaker: true }],
      balances: [
        { accountId: 'bob', asset: 'SOL', available: '9.00000000', locked: '0.00000000' },
        { accountId: 'bob', asset: 'USDC', available: '99.900000', locked: '0.000000' },
      ],
    });
  });

  it('tells an account with no part in the command nothing', () => {
    // Prepare
    const { h, result } = trade();

    // Act
    const reply = toReply('r-x', 'carol', result, h.registry);

    // Assess
    expect(reply).toEqual({
      ok: true,
      requestId: 'r-x',
      seq: 4,
      time: timeOf(4),
      orders: [],
      fills: [],
      balances: [],
      withdrawals: [],
    });
  });

  it('carries a withdrawal and its balance to the account that asked', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    const request = h.withdraw('alice', 'USDC', '250');

    // Act
    const reply = replySchema.parse(toReply('r-2', 'alice', request.result as ExecutionResult, h.registry));

    // Assess
    expect(reply).toMatchObject({
      ok: true,
      withdrawals: [{ withdrawalId: 2, amount: '250.000000', status: 'PENDING' }],
      balances: [{ asset: 'USDC', available: '750.000000', locked: '250.000000' }],
    });
  });

  it('of a refused command carries the code and its message', () => {
    // Prepare
    const { h } = trade();
    const refused = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '100');

    // Act
    const reply = toReply('r-5', 'alice', refused.result as ExecutionResult, h.registry);

    // Assess
    expect(reply).toEqual({
      ok: false,
      requestId: 'r-5',
      seq: 5,
      time: timeOf(5),
      code: 'INSUFFICIENT_FUNDS',
      message: 'Available balance is too low.',
    });
  });
});
