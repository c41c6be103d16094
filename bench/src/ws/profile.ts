/**
 * A CPU profile of this process over a window (`node --cpu-prof` covers a whole
 * process; the bench's own one holds the engine, fauxqs and the emulator, and only the
 * measured seconds matter), written as a `.cpuprofile` that Chrome DevTools opens.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Starts profiling; `stop()` writes `bench-<pid>.cpuprofile` into `dir`. */
export async function startProfile(dir: string): Promise<{ stop(): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `bench-${process.pid}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
