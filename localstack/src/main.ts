/**
 * `npm start` (for now: the local cloud; the engine, functions, market makers and UI
 * join it with their issues). Ports come from the environment, see the README.
 * Ctrl-C stops everything.
 */
import { DEFAULT_PORTS, startLocalCloud } from './local-cloud.js';

function port(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`${name} must be a port number, got '${text}'`);
  return value;
}

const cloud = await startLocalCloud({
  ports: {
    sqs: port('SQS_PORT', DEFAULT_PORTS.sqs),
    httpApi: port('HTTP_API_PORT', DEFAULT_PORTS.httpApi),
    webSocketApi: port('WS_API_PORT', DEFAULT_PORTS.webSocketApi),
  },
});

const width = Math.max(...Object.keys(cloud.urls).map((name) => name.length));
console.log('\nThe local cloud is up:\n');
for (const [name, url] of Object.entries(cloud.urls)) console.log(`  ${name.padEnd(width)}  ${url}`);
console.log('\nCtrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    cloud.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
