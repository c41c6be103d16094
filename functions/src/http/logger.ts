/** The REST handlers' JSON logger (pino, level `LOG_LEVEL`, default `info`), created on first use. */
import { type Logger, pino } from 'pino';

let shared: Logger | undefined;

/** The shared logger. */
export function logger(): Logger {
  shared ??= pino({ name: 'http', level: process.env.LOG_LEVEL ?? 'info' });
  return shared;
}
