/**
 * Child process of `bench:path`: the exchange as `npm start` runs it, with the market
 * makers and the UI off, on free ports, with its own scratch database and Redis prefix
 * (on the servers named by `REDIS_URL` and `DATABASE_URL`). Prints `{"port": <REST
 * port>}`, runs until SIGTERM, then stops it all. Its own pid is the orchestrator's:
 * the API emulator and the handlers run in it.
 */
import { randomBytes } from 'node:crypto';
import { createScratchDatabase, startExchange } from '@exchange/localstack';

const prefix = `bench-path-${randomBytes(4).toString('hex')}:`;
const db = await createScratchDatabase({ prefix: 'bench_path' });
const exchange = await startExchange({
  ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0 },
  ui: false,
  marketMakers: false,
  env: {
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    LEASE_KEY: `${prefix}engine:lease`,
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
