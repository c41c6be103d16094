import os from 'node:os';

/** The machine a run is measured on. */
export interface Machine {
  readonly node: string;
  readonly cores: number;
  readonly cpu: string;
  readonly platform: string;
  readonly memoryGb: number;
  /** 1-minute load average at start and end: other work on the box skews the numbers. */
  readonly loadAverage: { start: number; end: number };
}

export function machine(loadAtStart: number): Machine {
  return {
    node: process.version,
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
  };
}
