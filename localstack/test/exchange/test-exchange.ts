/**
 * The exchange as the integration tests start it: free ports, a scratch database, a
 * Redis prefix of its own, no market makers, and the services' lines kept (the last
 * 500) for failure messages rather than printed.
 */
import { randomBytes } from 'node:crypto';
import { createScratchDatabase } from '@exchange/local-services';
import { ExchangeClient } from '@exchange/market-maker';
import { type RunningExchange, startExchange } from '../../src/exchange/exchange.js';

export interface TestExchange {
  readonly exchange: RunningExchange;
  /** A client of its REST API that retries while the stack settles. */
  readonly client: ExchangeClient;
  /** The services' last lines, `service │ line`. */
  readonly output: string[];
  /** The Redis prefix everything runs under. */
  readonly prefix: string;
  /** Its scratch database. */
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/** Starts one; `name` labels the database and the prefix; `env` adds to the services' environment. */
export async function startTestExchange(
  name: string,
  env: Readonly<Record<string, string>> = {},
): Promise<TestExchange> {
  const prefix = `${name}-${randomBytes(4).toString('hex')}:`;
  const db = await createScratchDatabase({ prefix: `exchange_${name.replace(/-/g, '_')}` });
  const output: string[] = [];
  const exchange = await startExchange({
    ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0 },
    marketMakers: false,
    env: { DATABASE_URL: db.url, REDIS_PREFIX: prefix, LEASE_KEY: `${prefix}engine:lease`, ...env },
    writer: (service) => (line) => {
      output.push(`${service} │ ${line}`);
      if (output.length > 500) output.shift();
    },
  }).catch(async (error: unknown) => {
    await db.drop();
    throw error;
  });
  return {
    exchange,
    client: new ExchangeClient({ baseUrl: exchange.urls.rest as string, attempts: 20 }),
    output,
    prefix,
    databaseUrl: db.url,
    async close() {
      await exchange.close();
      await db.drop();
    },
  };
}
