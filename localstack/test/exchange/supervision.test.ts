/**
 * Integration: the exchange's supervision on a real stack (free ports, its own database
 * and Redis prefix, no market makers). The engine is SIGKILLed by pid, as the OOM killer
 * would; the supervisor says so, starts it again, and the exchange answers orders again.
 */
import { createHmac } from 'node:crypto';
import type { Credentials, ExchangeClient } from '@exchange/market-maker';
import type { ExchangeStatus, RunningExchange } from '../../src/exchange/exchange.js';
import { startTestExchange, type TestExchange } from './test-exchange.js';

let stack: TestExchange;
let exchange: RunningExchange;
let client: ExchangeClient;
let output: string[];

beforeAll(async () => {
  stack = await startTestExchange('supervision');
  ({ exchange, client, output } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 120_000);

/** Polls the status until `done` holds. */
async function statusUntil(done: (status: ExchangeStatus) => boolean): Promise<ExchangeStatus> {
  for (let attempt = 0; ; attempt++) {
    const status = await exchange.status();
    if (done(status)) return status;
    if (attempt > 1_200)
      throw new Error(`never reached: ${JSON.stringify(status)}\n${output.slice(-30).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const engineOf = (status: ExchangeStatus) => status.components.find((c) => c.name === 'engine');

describe('supervision of the exchange', () => {
  it('shows every supervised process up, with the engine’s health, in status() and GET /status', async () => {
    // Act
    const status = await exchange.status();
    const response = await fetch(exchange.urls.status as string);
    const served = (await response.json()) as ExchangeStatus;

    // Assess
    expect(status.components.map((c) => [c.name, c.state, c.restarts])).toEqual([
      ['engine', 'up', 0],
      ['db-processor', 'up', 0],
      ['settlement', 'up', 0],
      ['fanout', 'up', 0],
    ]);
    for (const component of status.components) {
      expect(component.pid).toEqual(expect.any(Number));
      expect(exchange.component(component.name)?.pid).toBe(component.pid);
    }
    expect(status.engine).toMatchObject({ status: 'ok', lastSeq: expect.any(Number) });
    expect(response.status).toBe(200);
    expect(served.components).toEqual(status.components);
    expect(served.engine).toMatchObject({ status: 'ok' });
  });

  it('restarts the engine after a SIGKILL, says so, and answers orders again', async () => {
    // Prepare
    const killed = exchange.component('engine')?.pid as number;

    // Act
    process.kill(killed, 'SIGKILL');

    // Assess: restarting, then up as a new process, one restart counted and logged
    const restarting = await statusUntil((s) => engineOf(s)?.state === 'restarting');
    expect(engineOf(restarting)).toMatchObject({
      restarts: 1,
      lastExit: expect.stringMatching(/^exited \(SIGKILL\)/),
    });
    const up = await statusUntil((s) => engineOf(s)?.state === 'up');
    expect(engineOf(up)).toMatchObject({ restarts: 1 });
    expect(engineOf(up)?.pid).not.toBe(killed);
    expect(output).toContain('supervisor │ engine exited (SIGKILL) — restarting in 0.5 s (restart 1)');

    // and an order placed now gets the engine's answer
    const trader = (await client.json('POST', '/api/v1/accounts', { label: 'after-restart' })) as Credentials;
    await client.json('POST', '/api/v1/onramp', { asset: 'USDC', amount: '1000' }, trader);
    const response = await fetch(
      `${exchange.urls.rest}/api/v3/order?${signedQuery(trader, {
        symbol: 'SOLUSDC',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: '10.00',
        quantity: '1',
      })}`,
      { method: 'POST', headers: { 'x-mbx-apikey': trader.apiKey } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ symbol: 'SOLUSDC', status: 'NEW', origQty: '1.000' });
  }, 120_000);
});

/** Binance's signing: HMAC-SHA256 of the query string. */
function signedQuery(who: Credentials, params: Record<string, string>): string {
  const query = new URLSearchParams({ ...params, timestamp: String(Date.now()) }).toString();
  return `${query}&signature=${createHmac('sha256', who.secretKey).update(query).digest('hex')}`;
}
