/**
 * `npx tsx bench/src/engine-service/recovery-main.ts [--json] [--commands N] [--keep]`
 *
 * Recovery of the engine from PostgreSQL: from the newest snapshot plus the journal
 * tail, and from the journal alone, for a state built by 1,000,000 commands (target:
 * both under 10 s); and the snapshot pause for 100,000 resting orders.
 */
import { parseArgs } from 'node:util';
import { ensurePostgres } from '@exchange/local-services';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import { measureSnapshotPause, runRecoveryBench } from './recovery.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    commands: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const commands = integerOption(values, 'commands', 10_000);

const log = (line: string) => process.stderr.write(`${line}\n`);
const server = await ensurePostgres();
const pause = await measureSnapshotPause();
const result = await runRecoveryBench({ serverUrl: server.url, commands, keepDatabase: values.keep, log });
await server.stop();

const n = (v: number, digits = 2) => v.toLocaleString('en-US', { maximumFractionDigits: digits });
const rows: [string, string, string][] = [
  [
    'recovery from snapshot + tail',
    `${n(result.fromSnapshotS)} s`,
    `${n(result.fromSnapshot.replayed + result.fromSnapshot.skipped, 0)} entries replayed after seq ${n(result.snapshotSeq, 0)}`,
  ],
  [
    'recovery from journal alone',
    `${n(result.fromJournalS)} s`,
    `${n(result.fromJournal.replayed, 0)} executed, ${n(result.fromJournal.skipped, 0)} protocol rejections skipped`,
  ],
  [
    'states match the original',
    String(result.statesMatch),
    `${n(result.restingOrders, 0)} resting orders, ${n(result.accounts, 0)} accounts`,
  ],
  ['journal build (1 process)', `${n(result.buildS, 1)} s`, `${n(result.journalMb, 0)} MB on disk`],
  [
    'snapshot pause at the snapshot seq',
    `${n(result.snapshotPauseMs)} ms`,
    `${n(result.snapshotBytes / 2 ** 20, 1)} MB of JSON`,
  ],
  [
    'snapshot load: text / jsonb',
    `${n(result.loadTextMs, 0)} / ${n(result.loadJsonbMs, 0)} ms`,
    'read + parse, median of 3',
  ],
  [
    `snapshot pause, ${n(pause.restingOrders, 0)} orders`,
    `${n(pause.snapshotMs)} ms`,
    `${n(pause.accounts, 0)} accounts; median of 5`,
  ],
  [
    '  full JSON.stringify instead',
    `${n(pause.stringifyMs)} ms`,
    `sliced: longest stall ${n(pause.slicedMaxStallMs)} ms`,
  ],
];
const nameWidth = Math.max(...rows.map(([a]) => a.length));
const valueWidth = Math.max(...rows.map(([, b]) => b.length));
for (const [a, b, c] of rows) console.log(`${a.padEnd(nameWidth)}  ${b.padStart(valueWidth)}  ${c}`);

const host = machine(0);
if (values.json) {
  console.log(
    JSON.stringify({
      bench: 'engine-recovery',
      node: host.node,
      cores: host.cores,
      metrics: {
        fromSnapshotS: { value: result.fromSnapshotS, unit: 's' },
        fromJournalS: { value: result.fromJournalS, unit: 's' },
        commands: { value: result.commands, unit: 'commands' },
        snapshotPauseMs: { value: pause.snapshotMs, unit: 'ms' },
      },
    }),
  );
}
if (!result.statesMatch) process.exitCode = 1;
