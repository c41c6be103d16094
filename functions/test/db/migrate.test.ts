import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import {
  FUNCTIONS_MIGRATIONS_TABLE,
  functionsMigrationsDir,
  migrateFunctionsDatabase,
} from '../../src/db/migrate.js';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test' });
});
afterAll(() => db.drop());

test('finds functions/migrations from the repository root and from inside the package', () => {
  expect(functionsMigrationsDir()).toMatch(/functions\/migrations$/);
  expect(functionsMigrationsDir(`${process.cwd()}/functions/src/db`)).toMatch(/functions\/migrations$/);
});

test('applies every migration once, then nothing', async () => {
  const first = await migrateFunctionsDatabase(db.url);
  const again = await migrateFunctionsDatabase(db.url);
  expect(again).toEqual([]);
  const { rows } = await db.pool.query(`select name from ${FUNCTIONS_MIGRATIONS_TABLE} order by run_on, id`);
  expect(rows.map((r: { name: string }) => r.name)).toEqual(first);
});
