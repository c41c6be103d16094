/**
 * Child process of the end-to-end and order-path benchmarks: the whole exchange as
 * `npm start` runs it (the UI left out; the market makers too with
 * `BENCH_MARKET_MAKERS=false`), on free ports, with its own database and Redis prefix.
 * Prints `{"port": <REST port>}`, runs until SIGTERM, then stops it all. Its own pid is
 * the orchestrator's: the API emulator and the handlers run in it.
 */
import { randomBytes } from 'node:crypto';
import { createScratchDatabase } from '@exchange/local-services';
import { startExchange } from '@exchange/localstack';

const prefix = `bench-${randomBytes(4).toString('hex')}:`;
const db = await createScratchDatabase({ prefix: 'bench_end_to_end' });
const exchange = await startExchange({
  ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0 },
  marketMakers: process.env.BENCH_MARKET_MAKERS !== 'false',
  env: {
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    LEASE_KEY: `${prefix}engine:lease`,
    MM_STATE_FILE: `/tmp/${prefix.replace(/:/g, '')}-market-maker.json`,
    // The load trades around 100 USDC: quote SOL there.
    MM_START_PRICES: 'SOLUSDC=100,BTCUSDC=60000,ETHUSDC=3000',
    RATE_LIMIT_ENABLED: 'false',
  },
  writer: (service) => (line) => {
    if (/ERROR|FATAL/.test(line)) process.stderr.write(`${service} │ ${line}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ port: Number(new URL(exchange.urls.rest as string).port) })}\n`);

process.once('SIGTERM', async () => {
  await exchange.close();
  await db.drop();
  process.exit(0);
});
