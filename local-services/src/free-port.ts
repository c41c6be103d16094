/** Free TCP ports on the loopback interface. */
import { createServer } from 'node:net';

/**
 * A port nothing listens on right now, chosen by the kernel. Another process could
 * take it before we bind; servers started on it fail fast and loudly if that happens.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port was assigned'))));
    });
  });
}
