/**
 * The faults the chaos scenario injects into a running exchange, in the order it
 * injects them: the processes `npm start` supervises killed outright (as the kernel's
 * OOM killer or a lost host would), then the two servers everything depends on
 * restarted (PostgreSQL keeps its data; Redis, like a failover to an empty node, does not).
 */

import type { PrivateServer } from '@exchange/local-services';
import type { RunningExchange } from '../../src/exchange/exchange.js';

/** What a fault can reach. */
export interface FaultTarget {
  readonly exchange: RunningExchange;
  readonly redis: PrivateServer;
  readonly postgres: PrivateServer;
}

export interface Fault {
  readonly name: string;
  /** The supervised component it kills, which must come back (`status()`: up, one more restart). */
  readonly component?: string;
  inject(target: FaultTarget): Promise<void>;
}

/** SIGKILL of a supervised component's current process. */
function kill(component: string, name: string): Fault {
  return {
    name,
    component,
    async inject({ exchange }) {
      const { components } = await exchange.status();
      const pid = components.find((c) => c.name === component)?.pid;
      if (pid === undefined) throw new Error(`${component} has no running process to kill`);
      process.kill(pid, 'SIGKILL');
    },
  };
}

/** Every fault, in injection order. */
export const FAULTS: readonly Fault[] = [
  kill('engine', 'kill engine'),
  kill('fanout', 'kill fan-out'),
  kill('market-maker', 'kill market makers'),
  kill('db-processor', 'kill DB processor'),
  { name: 'restart PostgreSQL', inject: ({ postgres }) => postgres.restart() },
  { name: 'restart Redis', inject: ({ redis }) => redis.restart() },
];
