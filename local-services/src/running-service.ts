/**
 * What every `ensure*` call hands back: where the server is, whether this process
 * started it, and how to shut it down again.
 */

/** A Redis or PostgreSQL server that answers at {@link RunningService.url}. */
export interface RunningService {
  /** The URL clients should use, e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** `true` when this call started the server; only then does {@link RunningService.stop} stop it. */
  readonly started: boolean;
  /** Shuts down a server this call started and waits until it has exited; a no-op otherwise. */
  stop(): Promise<void>;
}

/** Options shared by `ensureRedis` and `ensurePostgres`; every field has a working default. */
export interface EnsureServiceOptions {
  /** Where to look first. Default: `REDIS_URL` / `DATABASE_URL`, else the machine's default port. */
  readonly url?: string;
  /** Folder for a started server's data, log and `server.json`. Default: `<project>/.local/<service>`. */
  readonly dataDir?: string;
  /**
   * Leave a started server running after this process exits (own process group, not
   * stopped on exit), so later steps can use it. Default `false`: it dies with us.
   */
  readonly detached?: boolean;
  /** Allow `apt-get install` when the binaries are missing (root on Debian/Ubuntu only). Default `true`. */
  readonly install?: boolean;
  /** How long a probe of an existing server may take, in ms. Default 1000. */
  readonly probeTimeoutMs?: number;
  /** Receives one line per decision. Default: stderr, so that stdout stays clean for `eval`. */
  readonly log?: (line: string) => void;
}

/** A {@link RunningService} for a server someone else runs: `stop()` leaves it alone. */
export function alreadyRunning(url: string): RunningService {
  return { url, started: false, stop: async () => {} };
}

/** The default logger: stderr, prefixed, so the CLI's stdout holds only `NAME=value` lines. */
export function logToStderr(line: string): void {
  process.stderr.write(`[services] ${line}\n`);
}
