/**
 * The UI's web server as a process of its own (`npm start` runs it so), so it can fail
 * and be restarted without touching the rest of the exchange.
 *
 * Usage: `node --import tsx ui-process.ts <static dir> <port> <REST URL> <WebSocket URL>`.
 * SIGTERM/SIGINT: open connections are closed, then the process exits 0.
 */
import { serveUi } from './ui-server.js';

const [dir, port, restUrl, wsUrl] = process.argv.slice(2);
if (dir === undefined || port === undefined || restUrl === undefined || wsUrl === undefined) {
  console.error('usage: ui-process.ts <static dir> <port> <REST URL> <WebSocket URL>');
  process.exit(2);
}

const ui = await serveUi({ dir, port: Number(port), restUrl, wsUrl });
console.log(`serving ${ui.url}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void ui.close().then(() => process.exit(0));
  });
}
