/**
 * `npm start`: the whole exchange on this machine (see `exchange/exchange.ts`). Ports
 * come from the environment (`docs/operations.md`, "Ports and environment variables");
 * the next start resumes from the persisted journal and database.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops everything in reverse dependency order and exits 0.
 * The services run in process groups of their own, so a terminal's Ctrl-C reaches only
 * this process, not all of them at once. A second Ctrl-C forces: every service is
 * SIGKILLed and this process exits 1. A signal repeated within a second is the same
 * Ctrl-C delivered twice (npm and tsx relay it to their child too), not a second one.
 */
import { EXCHANGE_PORTS, startExchange } from './exchange/exchange.js';
import { DEFAULT_PORTS } from './local-cloud.js';

/** Signals this close together are one Ctrl-C that reached us by several paths. */
const SAME_SIGNAL_MS = 1_000;

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
    status: port('STATUS_PORT', EXCHANGE_PORTS.status),
    ui: port('UI_PORT', EXCHANGE_PORTS.ui),
  },
  marketMakers: process.env.MARKET_MAKERS !== 'false',
  ui: process.env.UI !== 'false',
});

const width = Math.max(...Object.keys(exchange.urls).map((name) => name.length));
console.log(`\nThe exchange is up (${((performance.now() - started) / 1000).toFixed(1)} s):\n`);
for (const [name, url] of Object.entries(exchange.urls)) console.log(`  ${name.padEnd(width)}  ${url}`);
console.log('\nCtrl-C to stop (twice to force).\n');

let stoppingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const now = Date.now();
    if (stoppingSince === undefined) {
      stoppingSince = now;
      console.log(`\n${signal}: stopping (clients, consumers, engine, APIs, servers)…`);
      exchange.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    } else if (now - stoppingSince > SAME_SIGNAL_MS) {
      console.log(`\n${signal} again: killing every service`);
      exchange.kill();
      process.exit(1);
    }
  });
}
