/**
 * `npm run smoke -- --api <url> --ws <url> [--symbol SOLUSDC] [--trade] [--timeout 10000]`
 *
 * Points at any stage: local (`--api http://127.0.0.1:4000 --ws ws://127.0.0.1:4001/local`)
 * or AWS (the `HttpApiUrl` and `WebSocketUrl` outputs). `--trade` reads the key from
 * `SMOKE_API_KEY` and `SMOKE_SECRET_KEY`. Prints one line per check; exits 0 when all
 * passed, 1 with `FAIL <check>: <why>` on the first failure, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { runSmoke, SmokeFailure } from './smoke.js';

const USAGE = 'usage: npm run smoke -- --api <url> --ws <url> [--symbol SOLUSDC] [--trade] [--timeout <ms>]';

function fail(line: string, code: number): never {
  console.error(line);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        api: { type: 'string' },
        ws: { type: 'string' },
        symbol: { type: 'string' },
        trade: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '10000' },
      },
      strict: true,
    });
    if (values.api === undefined || values.ws === undefined) fail(USAGE, 2);
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      fail('--timeout must be a whole number of milliseconds', 2);
    const apiKey = process.env.SMOKE_API_KEY;
    const secretKey = process.env.SMOKE_SECRET_KEY;
    if (values.trade && (!apiKey || !secretKey)) fail('--trade needs SMOKE_API_KEY and SMOKE_SECRET_KEY', 2);
    return {
      api: values.api,
      ws: values.ws,
      timeoutMs,
      ...(values.symbol === undefined ? {} : { symbol: values.symbol }),
      ...(values.trade && apiKey && secretKey ? { trade: { apiKey, secretKey } } : {}),
    };
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

const settings = options();
console.log(`smoke: ${settings.api} and ${settings.ws}${settings.trade ? ', trading' : ''}`);
try {
  const passed = await runSmoke(settings, (line) => console.log(line));
  console.log(`smoke: ${passed} checks passed`);
  process.exit(0);
} catch (error) {
  if (error instanceof SmokeFailure) fail(`FAIL ${error.check}: ${error.why}`, 1);
  fail(`FAIL smoke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 1);
}
