/**
 * PostgreSQL for the local cloud: the configured server, or one we initialise and
 * start from the installed binaries. As root, initdb and postgres run as the
 * `postgres` system user, because PostgreSQL refuses to run as root.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_DATABASE_URL } from '@exchange/protocol';
import { findPostgresBinDir } from './binaries.js';
import { startChildServer } from './child-server.js';
import { ensureService, type ServiceSpec } from './ensure-service.js';
import { findFreePort } from './free-port.js';
import { selectOne, selectOneCreatingDatabase } from './postgres-client.js';
import type { EnsureServiceOptions, RunningService } from './running-service.js';
import { databaseOf, localUrl, userOf, withDatabase } from './service-url.js';
import { canWrite, postgresRunAs } from './system-user.js';

const run = promisify(execFile);

const postgres: ServiceSpec = {
  service: 'postgres',
  envVar: 'DATABASE_URL',
  defaultUrl: DEFAULT_DATABASE_URL,
  binary: 'PostgreSQL (initdb, postgres)',
  aptPackages: ['postgresql'],
  installAdvice: 'apt-get install postgresql (Debian/Ubuntu, as root) or brew install postgresql@15 (macOS)',
  async probe(url, timeoutMs, log) {
    if (await selectOneCreatingDatabase(url, timeoutMs)) log(`created database ${databaseOf(url)}`);
  },
  findBinaries: findPostgresBinDir,
  async start(binDir, requestedUrl, { dataDir, detached, log }) {
    const runAs = postgresRunAs();
    const pgdata = join(dataDir, 'data');
    const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
    if (runAs) {
      // initdb creates `data` inside; the folder must be the postgres user's to allow it.
      chownSync(dataDir, runAs.uid, runAs.gid);
      if (!canWrite(runAs, dataDir)) {
        throw new Error(
          `postgres: PostgreSQL runs as the "postgres" user, who cannot write to ${dataDir}; ` +
            'make its parent folders traversable (chmod o+x) or pass another dataDir',
        );
      }
      log(`running as the "postgres" system user (uid ${runAs.uid}): PostgreSQL refuses to run as root`);
    }

    const user = userOf(requestedUrl);
    if (!existsSync(join(pgdata, 'PG_VERSION'))) {
      log(`initdb: new cluster in ${pgdata}, superuser ${user}, trust authentication on 127.0.0.1`);
      // --no-sync: a throwaway developer cluster; seconds matter more than crash safety here.
      const args = ['-D', pgdata, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
      await run(join(binDir, 'initdb'), args, { cwd: '/', ...asUser }).catch((error) => {
        throw new Error(`postgres: initdb failed: ${error.stderr || error.message}`);
      });
    }

    const port = await findFreePort();
    const url = localUrl(requestedUrl, port);
    const server = await startChildServer({
      name: 'postgres',
      command: join(binDir, 'postgres'),
      // TCP on loopback only; `-k ''` means no Unix socket, which would clash with the system server's lock.
      args: ['-D', pgdata, '-p', String(port), '-h', '127.0.0.1', '-k', ''],
      dataDir,
      logFile: join(dataDir, 'postgres.log'),
      url,
      runAs,
      detached,
      // SIGINT is the fast shutdown; SIGTERM would wait for every client to disconnect.
      stopSignal: 'SIGINT',
      probe: () => selectOne(withDatabase(url, 'postgres'), 1_000),
      readyTimeoutMs: 30_000,
    });
    try {
      await postgres.probe(url, 5_000, log);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  },
};

/**
 * Makes PostgreSQL available: `DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/exchange`) if it answers `select 1` (its
 * database is created when missing), else a server initialised in `.local/postgres`
 * and started on a free port. See `ensure-service.ts` for the full decision order.
 *
 * @example
 * const db = await ensurePostgres();
 * const pool = new pg.Pool({ connectionString: db.url });
 * // …
 * await pool.end();
 * await db.stop(); // only stops a server this call started
 */
export function ensurePostgres(options: EnsureServiceOptions = {}): Promise<RunningService> {
  return ensureService(postgres, options);
}
