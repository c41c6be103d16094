export { type AppliedCommand, applyWireCommand } from './apply-command.js';
export { JournalFence } from './fence.js';
export {
  type AppendOptions,
  DuplicateRequestError,
  FencedOutError,
  Journal,
  type JournalEntry,
  JournalError,
  type JournaledReply,
  type JournalRecord,
  journalBatches,
  SequenceConflictError,
} from './journal.js';
export {
  ENGINE_MIGRATIONS_TABLE,
  engineMigrationsDir,
  type MigrateOptions,
  migrateEngineDatabase,
} from './migrate.js';
export {
  type Recovered,
  type RecoverOptions,
  ReplayError,
  type Republication,
  type Restart,
  type RestartOptions,
  recover,
  recoverForRestart,
} from './recovery.js';
export { stringifyInSlices } from './sliced-json.js';
export { SnapshotStore, type SnapshotStoreOptions, type StoredSnapshot } from './snapshot-store.js';
export {
  type SnapshotSink,
  type SnapshotTaken,
  Snapshotter,
  type SnapshotterOptions,
} from './snapshotter.js';
