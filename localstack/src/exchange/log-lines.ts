/**
 * One terminal for every service: each line prefixed with the service's name, in its
 * own colour when the output is a terminal (`NO_COLOR` turns colours off). Pino's JSON
 * lines are shortened to `level msg {rest}` so they stay readable.
 */

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92] as const;
const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Writes lines of service `name` (the `index`-th service) with its prefix. */
export type LineWriter = (line: string) => void;

export interface PrefixOptions {
  readonly colour?: boolean;
  readonly width?: number;
  readonly write?: (text: string) => void;
}

/** A writer that prefixes each line with `name`, padded to `width`. */
export function prefixedWriter(name: string, index: number, options: PrefixOptions = {}): LineWriter {
  const colour = options.colour ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const label = name.padEnd(options.width ?? 12);
  const prefix = colour ? `\x1b[${COLOURS[index % COLOURS.length]}m${label}\x1b[0m │ ` : `${label} │ `;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  return (line: string) => write(`${prefix}${readable(line)}\n`);
}

/** A pino JSON line as `level msg {other fields}`; any other line as it is. */
export function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const {
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _host,
      name: _name,
      ...rest
    } = JSON.parse(line) as {
      level?: number;
      msg?: string;
      [key: string]: unknown;
    };
    const fields = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
    return `${LEVELS[level ?? 30] ?? level} ${msg ?? ''}${fields}`;
  } catch {
    return line;
  }
}
