/**
 * End to end: `npm start`'s orchestrator (`tsx localstack/src/main.ts`, every port free,
 * market makers on, its own database and Redis prefix) gets a terminal's Ctrl-C — SIGINT
 * to its whole process group — while the bots trade. It must stop everything in order:
 * exit 0, no error line on the way (no ECONNREFUSED, no 500: nothing died under a
 * client), and no process of the stack left running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createScratchDatabase,
  findFreePort,
  projectRoot,
  type ScratchDatabase,
} from '@exchange/local-services';

const prefix = `ctrl-c-${randomBytes(4).toString('hex')}:`;
const stateFile = join(tmpdir(), `${prefix.replace(':', '')}-bots.json`);
const PORTS = [
  'HTTP_API_PORT',
  'WS_API_PORT',
  'SQS_PORT',
  'ENGINE_HEALTH_PORT',
  'FANOUT_HEALTH_PORT',
  'STATUS_PORT',
  'UI_PORT',
] as const;
let db: ScratchDatabase;
const output: string[] = [];

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'exchange_ctrl_c' });
});

afterAll(async () => {
  // Only if the test failed half-way: nothing of this stack may outlive it.
  for (const pid of stackProcesses()) process.kill(pid, 'SIGKILL');
  rmSync(stateFile, { force: true });
  await db?.drop();
}, 60_000);

/** Processes carrying this test's Redis prefix in their environment: the whole stack. */
function stackProcesses(): number[] {
  const marker = `REDIS_PREFIX=${prefix}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Resolves once a line of the output matches `pattern`. */
async function outputShows(pattern: RegExp, child: ChildProcess): Promise<void> {
  for (;;) {
    if (output.some((line) => pattern.test(line))) return;
    if (child.exitCode !== null)
      throw new Error(`exited (${child.exitCode}) first:\n${output.slice(-40).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start, stopped with Ctrl-C', () => {
  it('stops every service in order, without an error line, and leaves nothing running', async () => {
    // Prepare: the orchestrator as a terminal would run it, in a process group of its own
    const ports = Object.fromEntries(
      await Promise.all(PORTS.map(async (name) => [name, String(await findFreePort())])),
    );
    const root = projectRoot();
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['localstack/src/main.ts'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...ports,
        NO_COLOR: '1',
        MARKET_MAKERS: 'true',
        MM_REFRESH_MS: '500',
        TAKER_ORDERS_PER_MINUTE: '120',
        MM_STATE_FILE: stateFile,
        DATABASE_URL: db.url,
        REDIS_PREFIX: prefix,
      },
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        output.push(...lines);
      });
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await outputShows(/The exchange is up/, child);
    await outputShows(/market makers running/, child);
    await outputShows(/taking in/, child);
    const running = stackProcesses();

    // Act: Ctrl-C
    process.kill(-(child.pid as number), 'SIGINT');
    const code = await exited;

    // Assess
    const stopping = output.slice(output.findIndex((line) => /SIGINT: stopping/.test(line)));
    expect({ code, errors: output.filter((line) => /\bERROR\b|ECONNREFUSED|\b500\b/.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
    expect(running.length).toBeGreaterThanOrEqual(8);
    expect(stackProcesses()).toEqual([]);
    // clients first, the engine after its consumers
    const stoppedAt = (name: string) =>
      stopping.findIndex((line) => line.startsWith(`supervisor`) && line.includes(`${name} stopped`));
    expect(stoppedAt('market-maker')).toBeLessThan(stoppedAt('fanout'));
    expect(stoppedAt('ui')).toBeLessThan(stoppedAt('db-processor'));
    expect(stoppedAt('fanout')).toBeLessThan(stoppedAt('engine'));
    expect(stoppedAt('db-processor')).toBeLessThan(stoppedAt('engine'));
  }, 600_000);
});
