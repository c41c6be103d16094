/**
 * `npm start` until the local cloud exists: drives the real engine core through the
 * real protocol conversion with a short scripted session — deposits, a maker's
 * ladder, takers of every kind — and prints the book, the trades and the balances.
 */
import {
  type Command,
  createMarketRegistry,
  type Event,
  formatOnGrid,
  formatUnits,
  isRejection,
  toEngineCommand,
  toWireEvents,
} from '@exchange/protocol';
import { Engine, FEE_ACCOUNT_ID } from './core/index.js';

const registry = createMarketRegistry();
const engine = new Engine(registry);
const market = 'SOL_USDC';
let seq = 0;

type Input = Command extends infer C ? (C extends Command ? Omit<C, 'requestId'> : never) : never;

function send(input: Input): Event[] {
  const command = toEngineCommand({ requestId: `demo-${seq + 1}`, ...input }, registry);
  if (isRejection(command)) {
    console.log(`  rejected before the engine: ${command.code} — ${command.message}`);
    return [];
  }
  seq += 1;
  const result = engine.execute(command, seq, Date.UTC(2026, 0, 1) + seq);
  if (result.code !== null) console.log(`  rejected by the engine: ${result.code}`);
  return toWireEvents(result, registry);
}

function printTrades(events: Event[]): void {
  for (const e of events) {
    if (e.type === 'TRADE')
      console.log(`  trade #${e.tradeId}: ${e.quantity} SOL @ ${e.price} (taker ${e.takerSide})`);
    if (e.type === 'ORDER' && e.status !== 'NEW' && e.status !== 'PARTIALLY_FILLED') {
      console.log(`  order ${e.orderId} ${e.status}${e.reason ? ` (${e.reason})` : ''}`);
    }
  }
}

function printBook(): void {
  const m = registry.market(market);
  const depth = engine.depth(market, 5);
  if (m === undefined || depth === undefined) return;
  console.log(`\n${market} book (update ${depth.lastUpdateId})`);
  for (const [p, q] of [...depth.asks].reverse())
    console.log(`  ask ${formatOnGrid(p, m.tick).padStart(8)}  ${formatOnGrid(q, m.step)}`);
  for (const [p, q] of depth.bids)
    console.log(`  bid ${formatOnGrid(p, m.tick).padStart(8)}  ${formatOnGrid(q, m.step)}`);
}

console.log('Exchange engine core — scripted session of the core alone\n');
send({ type: 'DEPOSIT', accountId: 'maker', asset: 'USDC', amount: '100000' });
send({ type: 'DEPOSIT', accountId: 'maker', asset: 'SOL', amount: '1000' });
send({ type: 'DEPOSIT', accountId: 'taker', asset: 'USDC', amount: '5000' });
send({ type: 'DEPOSIT', accountId: 'taker', asset: 'SOL', amount: '20' });
const ladder = [
  ['149.90', '150.10'],
  ['149.80', '150.20'],
  ['149.70', '150.30'],
  ['149.60', '150.40'],
  ['149.50', '150.50'],
];
for (const [bid, ask] of ladder) {
  send({
    type: 'CREATE_ORDER',
    accountId: 'maker',
    market,
    side: 'BUY',
    orderType: 'LIMIT',
    price: bid,
    quantity: '2.5',
  });
  send({
    type: 'CREATE_ORDER',
    accountId: 'maker',
    market,
    side: 'SELL',
    orderType: 'LIMIT',
    price: ask,
    quantity: '2.5',
  });
}
printBook();

console.log('\ntaker: limit buy 4 SOL @ 150.25');
printTrades(
  send({
    type: 'CREATE_ORDER',
    accountId: 'taker',
    market,
    side: 'BUY',
    orderType: 'LIMIT',
    price: '150.25',
    quantity: '4',
  }),
);
console.log('taker: market sell for 500 USDC');
printTrades(
  send({
    type: 'CREATE_ORDER',
    accountId: 'taker',
    market,
    side: 'SELL',
    orderType: 'MARKET',
    quoteQuantity: '500',
  }),
);
console.log('taker: fill-or-kill buy 10 SOL @ 150.35');
printTrades(
  send({
    type: 'CREATE_ORDER',
    accountId: 'taker',
    market,
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'FOK',
    price: '150.35',
    quantity: '10',
  }),
);
console.log('taker: post-only sell @ 149.80');
send({
  type: 'CREATE_ORDER',
  accountId: 'taker',
  market,
  side: 'SELL',
  orderType: 'LIMIT',
  postOnly: true,
  price: '149.80',
  quantity: '1',
});
console.log('taker: limit buy @ 150.001');
send({
  type: 'CREATE_ORDER',
  accountId: 'taker',
  market,
  side: 'BUY',
  orderType: 'LIMIT',
  price: '150.001',
  quantity: '1',
});
printBook();

console.log('\nbalances');
for (const account of ['maker', 'taker', FEE_ACCOUNT_ID]) {
  for (const asset of registry.assets.filter((a) => a.symbol === 'USDC' || a.symbol === 'SOL')) {
    const b = engine.balance(account, asset.symbol);
    console.log(
      `  ${account.padEnd(14)} ${asset.symbol.padEnd(5)} available ${formatUnits(b.available, asset.decimals).padStart(18)}  locked ${formatUnits(b.locked, asset.decimals)}`,
    );
  }
}
