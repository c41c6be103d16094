import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import { migrateEngineDatabase } from '../../src/runtime/journal/index.js';

/** A migrated database of its own for one test file, dropped by `drop()`. */
export type JournalDatabase = ScratchDatabase;

/** Creates `engine_test_<random>` on the local PostgreSQL and applies the engine migrations. */
export function createJournalDatabase(): Promise<JournalDatabase> {
  return createScratchDatabase({ prefix: 'engine_test', migrate: migrateEngineDatabase });
}
