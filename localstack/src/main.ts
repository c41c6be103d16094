/**
 * `npm start`: the whole exchange on this machine (see `exchange/exchange.ts`). Ports
 * come from the environment (README, "Ports and settings"); Ctrl-C stops everything,
 * and the next start resumes from the persisted journal and database.
 */
import { EXCHANGE_PORTS, startExchange } from './exchange/exchange.js';
import { DEFAULT_PORTS } from './local-cloud.js';

function port(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`${name} must be a port number, got '${text}'`);
  return value;
}

const started = performance.now();
const exchange = await startExchange({
  ports: {
    sqs: port('SQS_PORT', DEFAULT_PORTS.sqs),
    httpApi: port('HTTP_API_PORT', DEFAULT_PORTS.httpApi),
    webSocketApi: port('WS_API_PORT', DEFAULT_PORTS.webSocketApi),
    engineHealth: port('ENGINE_HEALTH_PORT', EXCHANGE_PORTS.engineHealth),
    fanoutHealth: port('FANOUT_HEALTH_PORT', EXCHANGE_PORTS.fanoutHealth),
  },
  marketMakers: process.env.MARKET_MAKERS !== 'false',
});

const width = Math.max(...Object.keys(exchange.urls).map((name) => name.length));
console.log(`\nThe exchange is up (${((performance.now() - started) / 1000).toFixed(1)} s):\n`);
for (const [name, url] of Object.entries(exchange.urls)) console.log(`  ${name.padEnd(width)}  ${url}`);
console.log('\nCtrl-C to stop.\n');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    exchange.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
