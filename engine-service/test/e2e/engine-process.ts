/**
 * One engine process (the real `src/main.ts`) as the crash test drives it: started,
 * watched (its pino lines), killed with SIGKILL, or stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ENGINE_NODE_FLAGS } from '@exchange/protocol';

/** The npm workspaces root at or above the working directory (Jest runs without `import.meta`). */
export function workspaceRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no npm workspaces root above ${from}`);
  }
}

/** A pino line of the child, as parsed. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class EngineProcess {
  readonly child: ChildProcess;
  readonly startedAt = performance.now();
  /** When `engine running` came (performance.now()), or null. */
  runningAt: number | null = null;
  readonly lines: LogLine[] = [];
  /** Non-JSON output (stack traces, warnings), kept for the report. */
  readonly other: string[] = [];
  /** Resolves with the health URL once the engine has the lease, has recovered and runs. */
  readonly running: Promise<string>;
  readonly exited: Promise<Exit>;
  private exitValue: Exit | undefined;

  constructor(
    readonly index: number,
    env: Record<string, string>,
  ) {
    const root = workspaceRoot();
    this.child = spawn(
      process.execPath,
      [...ENGINE_NODE_FLAGS, '--import', 'tsx', join(root, 'engine-service', 'src', 'main.ts')],
      {
        cwd: join(root, 'engine-service'),
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitValue = { code, signal };
        resolve(this.exitValue);
      });
    });
    let ready: (url: string) => void = () => undefined;
    this.running = new Promise<string>((resolve, reject) => {
      ready = resolve;
      void this.exited.then((exit) =>
        reject(new Error(`engine ${index} exited before running: ${JSON.stringify(exit)}`)),
      );
    });
    // Never an unhandled rejection: a killed engine that never ran is a normal outcome here.
    this.running.catch(() => undefined);
    const watch = (stream: NodeJS.ReadableStream | null): void => {
      if (stream === null) return;
      createInterface({ input: stream }).on('line', (text) => {
        let line: LogLine | undefined;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          this.other.push(text);
          return;
        }
        this.lines.push(line);
        if (line.msg === 'engine running') {
          this.runningAt = performance.now();
          ready(String(line.health));
        }
      });
    };
    watch(this.child.stdout);
    watch(this.child.stderr);
  }

  get alive(): boolean {
    return this.exitValue === undefined;
  }

  /** The `recovered` line, if the engine got that far. */
  get recovered(): LogLine | undefined {
    return this.lines.find((l) => l.msg === 'recovered');
  }

  /** The `republished journaled commands` line (`from`, `to`), if it republished. */
  get republished(): LogLine | undefined {
    return this.lines.find((l) => l.msg === 'republished journaled commands');
  }

  /** Lines at error level or above. */
  get errors(): LogLine[] {
    return this.lines.filter((l) => l.level >= 50);
  }

  async kill(): Promise<Exit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, then the exit (SIGKILL after `timeoutMs`, reported as such). */
  async stop(timeoutMs: number): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
