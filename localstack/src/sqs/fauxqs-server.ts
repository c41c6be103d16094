/**
 * fauxqs, the real SQS wire protocol, in a child process of its own.
 *
 * Why a child process: fauxqs ships as ESM only, which Jest's CommonJS runtime cannot
 * load, so the same code could not run in tests and in the local cloud; and on its own
 * event loop the queue server does not compete with the engine or the Lambdas for
 * one core, as it would not in AWS either.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('./fauxqs-process.ts', import.meta.url));
// Absolute, so the child finds tsx whatever its working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What the child reports once: the port it listens on, or why it could not. */
export type FauxqsMessage = { readonly port: number } | { readonly error: string };

/** A running fauxqs server on 127.0.0.1. */
export interface FauxqsServer {
  /** The port listened on: the one asked for, or the OS's choice when asked for 0. */
  readonly port: number;
  /** Stops the server and waits until its process has exited, so the port is free. */
  close(): Promise<void>;
}

/**
 * Starts fauxqs on `127.0.0.1:port` (0: any free port).
 *
 * @example
 * const fauxqs = await startFauxqsServer(0);
 * // … SQS clients with endpoint `http://127.0.0.1:${fauxqs.port}` …
 * await fauxqs.close();
 */
export async function startFauxqsServer(port: number): Promise<FauxqsServer> {
  const child = fork(ENTRY, [String(port)], {
    execArgv: ['--import', TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = await listeningPort(child);
  return { port: listening, close: () => stop(child) };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const settle = (settler: () => void): void => {
      child.off('message', onMessage).off('exit', onExit).off('error', onError);
      settler();
    };
    const onMessage = (message: FauxqsMessage): void =>
      settle(() =>
        'port' in message ? resolve(message.port) : reject(new Error(`fauxqs: ${message.error}`)),
      );
    const onExit = (code: number | null): void =>
      settle(() => reject(new Error(`fauxqs exited (${code}) before listening`)));
    const onError = (error: Error): void => settle(() => reject(error));
    child.on('message', onMessage).on('exit', onExit).on('error', onError);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
