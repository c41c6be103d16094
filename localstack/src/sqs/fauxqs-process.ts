/**
 * Entry point of the fauxqs child process (see `fauxqs-server.ts`): fauxqs's own
 * HTTP server, bound to the loopback interface so the local SQS is not reachable
 * from the network (its `startFauxqs` always binds every interface).
 *
 * Usage: `node --import tsx fauxqs-process.ts <port>`, forked with an IPC channel.
 * Sends one message to the parent: `{ port }` once listening, or `{ error }`. Stops on
 * SIGTERM, and when the parent goes away, so no SQS server outlives its owner. A
 * terminal's Ctrl-C (SIGINT to the whole process group) is the parent's to act on: it
 * stops its users of SQS first, then this server, so SIGINT is ignored here.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import type { FauxqsMessage } from './fauxqs-server.js';
import { receiveSeveralPerGroup } from './fifo-receive.js';
import { wakeOneLongPollPerMessage } from './long-poll.js';

const HOST = '127.0.0.1';

function tellParent(message: FauxqsMessage): void {
  process.send?.(message);
}

// One long poll woken per message, as in AWS (see long-poll.ts).
await wakeOneLongPollPerMessage();
// Several messages of a FIFO group per receive, as in AWS (see fifo-receive.ts).
await receiveSeveralPerGroup();
const app = buildApp({ logger: false });

async function shutdown(): Promise<void> {
  await app.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('disconnect', shutdown);
process.on('SIGINT', () => {});

try {
  await app.listen({ host: HOST, port: Number(process.argv[2]) });
  tellParent({ port: (app.server.address() as AddressInfo).port });
} catch (error) {
  tellParent({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
