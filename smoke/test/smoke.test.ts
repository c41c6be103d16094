/**
 * `npm run smoke` end to end: the script, run as an operator runs it (a child process with
 * arguments and environment), against the whole exchange started on free ports (the
 * test-exchange helper: local cloud, engine, fan-out, DB processor). It passes against a
 * healthy stack, read-only and trading, leaves nothing open, and fails with one clear line
 * and a non-zero exit on the first thing that is wrong.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Credentials, ExchangeClient } from '@exchange/market-maker';
import { compareDecimal } from '@exchange/protocol';
import { startTestExchange, type TestExchange } from '../../localstack/test/exchange/test-exchange.js';

const REPO_ROOT = join(__dirname, '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(REPO_ROOT, 'smoke', 'src', 'main.ts');

let stack: TestExchange;
let client: ExchangeClient;
let api: string;
let ws: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the script with `args` and, for `--trade`, a key in the environment. */
function smoke(args: string[], key?: Credentials): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SMOKE_API_KEY;
  delete env.SMOKE_SECRET_KEY;
  if (key !== undefined) Object.assign(env, { SMOKE_API_KEY: key.apiKey, SMOKE_SECRET_KEY: key.secretKey });
  return new Promise((resolve) => {
    execFile(TSX, [SCRIPT, ...args], { cwd: REPO_ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** Explains a run in a failed expectation, with the services' last lines. */
function shown(run: Run): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}\n${stack.output.slice(-20).join('\n')}`;
}

async function signUp(label: string): Promise<Credentials> {
  return (await client.json('POST', '/api/v1/accounts', { label })) as Credentials;
}

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  stack = await startTestExchange('smoke');
  client = stack.client;
  api = stack.exchange.urls.rest as string;
  ws = stack.exchange.urls.websocket as string;
  await client.public('GET', '/health');
}, 180_000);

afterAll(async () => {
  await stack?.close();
}, 120_000);

describe('against a healthy stack', () => {
  it('passes the read-only checks: health, exchangeInfo, depth and a stream subscription', async () => {
    const run = await smoke(['--api', api, '--ws', ws]);
    expect(shown(run)).toMatch(/^exit 0\n/);
    const checks = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('ok'))
      .map((l) => l.split(/\s+/)[1]);
    expect(checks).toEqual(['health', 'exchangeInfo', 'depth', 'stream']);
    expect(run.stdout).toContain('smoke: 4 checks passed');
  }, 60_000);

  it('trades with a funded key: one post-only order, seen on the account and depth streams, cancelled', async () => {
    const trader = await signUp('smoke-trader');
    await client.json('POST', '/api/v1/onramp', { asset: 'USDC', amount: '10' }, trader);

    const run = await smoke(['--api', api, '--ws', ws, '--symbol', 'SOLUSDC', '--trade'], trader);

    expect(shown(run)).toMatch(/^exit 0\n/);
    expect(run.stdout).toContain('smoke: 10 checks passed');
    expect(run.stdout).toMatch(/ok +order +LIMIT_MAKER BUY 100\.000 SOLUSDC at 0\.01: NEW/);
    expect(run.stdout).toMatch(/ok +account stream +order \d+ NEW/);
    expect(run.stdout).toMatch(/ok +depth stream +bid level 0\.01/);
    expect(run.stdout).toMatch(/ok +cancel +order \d+ CANCELED, seen on the account stream/);
    const open = await client.signed(trader, 'GET', '/api/v3/openOrders', { symbol: 'SOLUSDC' });
    expect(open).toEqual([]);
    const account = (await client.signed(trader, 'GET', '/api/v3/account')) as {
      balances: { asset: string; free: string; locked: string }[];
    };
    const usdc = account.balances.find((b) => b.asset === 'USDC');
    expect([compareDecimal(usdc?.free ?? '0', '10'), compareDecimal(usdc?.locked ?? '1', '0')]).toEqual([
      0, 0,
    ]);
  }, 60_000);
});

describe('on the first failure', () => {
  it('names the check and the cause when the API does not answer', async () => {
    const port = await closedPort();
    const run = await smoke(['--api', `http://127.0.0.1:${port}`, '--ws', ws]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`FAIL health: GET http://127.0.0.1:${port}/health: ECONNREFUSED`);
    expect(run.stdout).not.toContain('checks passed');
  }, 60_000);

  it('says which symbol is missing', async () => {
    const run = await smoke(['--api', api, '--ws', ws, '--symbol', 'DOGEUSDC']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('FAIL exchangeInfo: exchangeInfo does not list DOGEUSDC');
  }, 60_000);

  it('fails the stream check when the WebSocket URL is wrong', async () => {
    const port = await closedPort();
    const run = await smoke(['--api', api, '--ws', `ws://127.0.0.1:${port}/local`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `FAIL stream: ws://127.0.0.1:${port}/local: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  }, 60_000);

  it('says how much the trading key’s account lacks, and places nothing', async () => {
    const empty = await signUp('smoke-empty');
    const run = await smoke(['--api', api, '--ws', ws, '--symbol', 'SOLUSDC', '--trade'], empty);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      "FAIL account: the key's account holds 0.000000 USDC free; the smoke order needs 1.00000",
    );
  }, 60_000);

  it('reports the API’s refusal of a wrong secret', async () => {
    const trader = await signUp('smoke-wrong-secret');
    const run = await smoke(['--api', api, '--ws', ws, '--trade'], {
      ...trader,
      secretKey: 'not-the-secret',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^FAIL account: GET \/api\/v3\/account answered 401: .*-1022/s);
  }, 60_000);

  it('exits 2 with the usage on missing arguments or a missing key', async () => {
    const noWs = await smoke(['--api', api]);
    expect([noWs.code, noWs.stderr]).toEqual([2, expect.stringContaining('usage: npm run smoke')]);
    const noKey = await smoke(['--api', api, '--ws', ws, '--trade']);
    expect([noKey.code, noKey.stderr.trim()]).toEqual([
      2,
      '--trade needs SMOKE_API_KEY and SMOKE_SECRET_KEY',
    ]);
  }, 60_000);
});
