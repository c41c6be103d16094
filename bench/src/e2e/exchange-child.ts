/**
 * Child process of the end-to-end benchmark: the whole exchange as `npm start` runs it
 * (market makers included), on free ports, with its own database and Redis prefix.
 * Prints `{"port": <REST port>}`, runs until SIGTERM, then stops it all.
 */
import { randomBytes } from 'node:crypto';
import { createScratchDatabase, startExchange } from '@exchange/localstack';

const prefix = `bench-e2e-${randomBytes(4).toString('hex')}:`;
const db = await createScratchDatabase({ prefix: 'bench_end_to_end' });
const exchange = await startExchange({
  ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0 },
  marketMakers: true,
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
