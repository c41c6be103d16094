/**
 * Makes Redis and PostgreSQL available and prints where, for a shell to `eval`:
 *
 * ```sh
 * eval "$(npx tsx local-services/src/cli.ts --keep)"   # sets REDIS_URL and DATABASE_URL
 * ```
 *
 * stdout holds only the `NAME=value` lines; every decision is logged on stderr.
 *
 * - no flag: ensure, print, then stop whatever was started (a check that it works);
 * - `--keep`: leave started servers running, detached, for later steps;
 * - `--stop`: stop the servers a `--keep` run left in `.local/`.
 */
import { localDataDir } from './project-dir.js';
import { logToStderr } from './running-service.js';
import { stopRecordedServer } from './server-record.js';
import { ensureServices } from './services.js';

const USAGE = 'usage: tsx local-services/src/cli.ts [--keep | --stop]';

/** Single-quotes a value unless it is plainly safe, so `eval` never splits or expands it. */
function shellValue(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

async function stopKept(): Promise<void> {
  for (const service of ['redis', 'postgres']) {
    const stopped = await stopRecordedServer(localDataDir(service));
    logToStderr(
      `${service}: ${stopped ? `stopped pid ${stopped.pid} (${stopped.url})` : 'no kept server running'}`,
    );
  }
}

async function main(args: readonly string[]): Promise<void> {
  const unknown = args.filter((arg) => arg !== '--keep' && arg !== '--stop');
  if (unknown.length > 0 || args.length > 1) throw new Error(`unexpected ${args.join(' ')}\n${USAGE}`);
  if (args[0] === '--stop') return stopKept();

  const keep = args[0] === '--keep';
  const services = await ensureServices({ detached: keep });
  process.stdout.write(`REDIS_URL=${shellValue(services.redis.url)}\n`);
  process.stdout.write(`DATABASE_URL=${shellValue(services.postgres.url)}\n`);
  if (keep) {
    const started = [services.redis, services.postgres].some((service) => service.started);
    if (started)
      logToStderr('started servers keep running; stop them with: tsx local-services/src/cli.ts --stop');
    return;
  }
  await services.stop();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
