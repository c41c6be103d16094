/**
 * The decision order shared by Redis and PostgreSQL, written down once:
 *
 * 1. the configured URL (`REDIS_URL` / `DATABASE_URL`, else the default) if it answers;
 * 2. a server a previous run left running in the data folder (`cli.ts --keep`);
 * 3. a new server started from the installed binaries, data in the data folder;
 * 4. the same, after `apt-get install` (root on Debian/Ubuntu only);
 * 5. otherwise an error that says what to install.
 *
 * Each decision is logged as one line.
 */
import { mkdirSync } from 'node:fs';
import { aptInstall, canInstallWithApt } from './apt.js';
import { localDataDir } from './project-dir.js';
import {
  alreadyRunning,
  type EnsureServiceOptions,
  logToStderr,
  type RunningService,
} from './running-service.js';
import { readServerRecord } from './server-record.js';
import { redactUrl } from './service-url.js';

const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

/** What a start step gets to work with. */
export interface StartContext {
  /** The service's data folder, created already. */
  readonly dataDir: string;
  readonly detached: boolean;
  readonly log: (line: string) => void;
}

/** Everything that differs between Redis and PostgreSQL. */
export interface ServiceSpec {
  /** `redis` or `postgres`: the log prefix and the name of the data folder under `.local/`. */
  readonly service: string;
  readonly envVar: string;
  readonly defaultUrl: string;
  /** The binary whose absence step 4 repairs, e.g. `redis-server`. */
  readonly binary: string;
  readonly aptPackages: readonly string[];
  /** Step 5's advice, e.g. `apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS)`. */
  readonly installAdvice: string;
  /** Resolves when a server answers at `url`; rejects with the reason otherwise. */
  probe(url: string, timeoutMs: number, log: (line: string) => void): Promise<void>;
  /** Where the installed binaries are, or `undefined` when they are missing. */
  findBinaries(): string | undefined;
  /** Starts a server from `binaries`, answering at a URL derived from `requestedUrl`. */
  start(binaries: string, requestedUrl: string, context: StartContext): Promise<RunningService>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] || error.name : String(error);
}

/** Runs the decision order for one service. */
export async function ensureService(
  spec: ServiceSpec,
  options: EnsureServiceOptions = {},
): Promise<RunningService> {
  const sink = options.log ?? logToStderr;
  const log = (line: string) => sink(`${spec.service}: ${line}`);
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const fromEnv = process.env[spec.envVar];
  const url = options.url ?? fromEnv ?? spec.defaultUrl;
  const source = options.url ? 'given URL' : fromEnv ? spec.envVar : 'default URL';

  try {
    await spec.probe(url, timeoutMs, log);
    log(`using ${redactUrl(url)} (${source}): it answers`);
    return alreadyRunning(url);
  } catch (error) {
    log(`${redactUrl(url)} (${source}) does not answer (${message(error)}); using a local server instead`);
  }

  const dataDir = options.dataDir ?? localDataDir(spec.service);
  const kept = readServerRecord(dataDir);
  if (kept) {
    try {
      await spec.probe(kept.url, timeoutMs, log);
      log(`reusing the server left running in ${dataDir} (pid ${kept.pid}) at ${kept.url}`);
      return alreadyRunning(kept.url);
    } catch (error) {
      log(`the server recorded in ${dataDir} (pid ${kept.pid}) does not answer (${message(error)})`);
    }
  }

  let binaries = spec.findBinaries();
  if (!binaries) {
    const packages = spec.aptPackages.join(' ');
    if (options.install === false || !canInstallWithApt()) {
      throw new Error(
        `${spec.service}: nothing answers at ${redactUrl(url)} (${source}) and ${spec.binary} is not installed. ` +
          `Install it: ${spec.installAdvice}; or set ${spec.envVar} to a running server.`,
      );
    }
    log(`${spec.binary} is not installed; running apt-get update && apt-get install -y ${packages}`);
    await aptInstall(spec.aptPackages);
    binaries = spec.findBinaries();
    if (!binaries)
      throw new Error(`${spec.service}: apt-get installed ${packages} but ${spec.binary} is still missing`);
  }

  mkdirSync(dataDir, { recursive: true });
  log(`starting ${spec.binary} from ${binaries}, data in ${dataDir}`);
  const server = await spec.start(binaries, url, { dataDir, detached: options.detached ?? false, log });
  log(`started: answers at ${server.url}${options.detached ? ' (detached: stays up after we exit)' : ''}`);
  return server;
}
