import {
  accountUpdateSchema,
  createMarketRegistry,
  isRejection,
  type Reply,
  toEngineCommand,
  toReply,
} from '@exchange/protocol';
import { Engine } from '../../src/core/index.js';
import { replyJson, senderUpdateJson } from '../../src/runtime/reply-json.js';

type Accepted = Extract<Reply, { ok: true }>;

/** A reply with orders, fills and balances: a buy that fills against a resting sell. */
function fillReply(): Accepted {
  const registry = createMarketRegistry();
  const engine = new Engine(registry);
  const run = (seq: number, wire: Record<string, unknown>) => {
    const command = toEngineCommand({ requestId: `r-${seq}`, ...wire }, registry);
    if (isRejection(command)) throw new Error(command.message);
    return engine.execute(command, seq, 1_000 + seq);
  };
  run(1, { type: 'DEPOSIT', accountId: 'maker "quoted"', asset: 'SOL', amount: '5' });
  run(2, { type: 'DEPOSIT', accountId: 'taker', asset: 'USDC', amount: '1000' });
  const sell = { market: 'SOL_USDC', orderType: 'LIMIT', price: '100', quantity: '2' };
  run(3, { type: 'CREATE_ORDER', accountId: 'maker "quoted"', side: 'SELL', ...sell });
  const result = run(4, { type: 'CREATE_ORDER', accountId: 'taker', side: 'BUY', ...sell, quantity: '1' });
  const reply = toReply('r-4 "with quotes" \\ and ünïcode', 'taker', result, registry);
  if (!reply.ok) throw new Error('the buy must be accepted');
  return reply;
}

describe('reply JSON, built once', () => {
  it('serialises a reply once and returns the same text after', () => {
    // Prepare
    const reply = fillReply();

    // Act
    const first = replyJson(reply);
    const second = replyJson(reply);

    // Assess
    expect(first).toBe(JSON.stringify(reply));
    expect(second).toBe(first);
  });

  it("gives the sender's account update exactly as serialising it would", () => {
    // Prepare
    const reply = fillReply();
    const { seq, time, orders, fills, balances, withdrawals } = reply;
    const expected = { type: 'ACCOUNT', accountId: 'taker', seq, time, orders, fills, balances, withdrawals };

    // Act
    const json = senderUpdateJson(reply, 'taker');

    // Assess
    expect(json).toBe(JSON.stringify(expected));
    expect(accountUpdateSchema.parse(JSON.parse(json)).fills).toHaveLength(1);
  });

  it('serialises the update afresh when the reply has another key order', () => {
    // Prepare: the same reply, keys in another order (as one read back from elsewhere may be)
    const { ok, seq, requestId, ...rest } = fillReply();
    const reordered = { requestId, ok, seq, ...rest } as Accepted;

    // Act
    const json = senderUpdateJson(reordered, 'taker');

    // Assess
    expect(accountUpdateSchema.parse(JSON.parse(json))).toEqual({
      type: 'ACCOUNT',
      accountId: 'taker',
      seq,
      time: rest.time,
      orders: rest.orders,
      fills: rest.fills,
      balances: rest.balances,
      withdrawals: rest.withdrawals,
    });
  });
});
