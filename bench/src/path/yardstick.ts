/**
 * A yardstick of the machine at one moment, for `bench:path`: a child process echoes
 * one byte over loopback TCP, sent at a fixed rate — the way every hop of the order path
 * crosses from one process to another. The machines here swing by up to 40 % within
 * minutes, and what swings most is what a hop costs (waking an idle process): taken
 * before each phase, the yardstick shows how far the machine itself moved between them,
 * so the phases of one run can be read against each other.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseProcStat } from './proc-stat.js';
import { TICKS_PER_SECOND } from './process-cpu.js';

/** One reading. */
export interface Yardstick {
  /** Round trips measured. */
  readonly messages: number;
  /** Median round trip, µs. */
  readonly roundTripP50Us: number;
  /** CPU of both processes per round trip, µs (/proc ticks for the echo, `process.cpuUsage` here). */
  readonly cpuUsPerMessage: number;
}

// The echo: prints its port, answers every byte it gets.
const ECHO = `const s = require('node:net').createServer((c) => { c.setNoDelay(true); c.on('data', (d) => c.write(d)); });
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));`;

/**
 * Echoes `rate` messages a second for `seconds`, one at a time.
 * @example const { cpuUsPerMessage } = await measureYardstick(); // ~55 µs on a quiet AMD EPYC, 2 cores
 */
export async function measureYardstick(rate = 1_000, seconds = 2): Promise<Yardstick> {
  const echo = spawn(process.execPath, ['-e', ECHO], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      echo.stdout.setEncoding('utf8').once('data', (line: string) => resolve(Number.parseInt(line, 10)));
      echo.once('exit', (code) => reject(new Error(`the echo process exited (${code})`)));
    });
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const ticksOfEcho = (): number => parseProcStat(readFileSync(`/proc/${echo.pid}/stat`, 'utf8')).cpuTicks;
    const times: number[] = [];
    const total = rate * seconds;
    const ticksBefore = ticksOfEcho();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      await new Promise((resolve) => {
        socket.once('data', resolve);
        socket.write('x');
      });
      times.push((performance.now() - sent) * 1000);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const echoMicros = ((ticksOfEcho() - ticksBefore) * 1e6) / TICKS_PER_SECOND;
    socket.destroy();
    times.sort((a, b) => a - b);
    return {
      messages: total,
      roundTripP50Us: Math.round(times[Math.floor(times.length / 2)] ?? Number.NaN),
      cpuUsPerMessage: Math.round((cpu.user + cpu.system + echoMicros) / total),
    };
  } finally {
    echo.kill();
  }
}
