/**
 * `npm run migrate`: applies the functions' pending migrations to `DATABASE_URL`
 * (default: the local cloud's database) and prints their names.
 */

import { DEFAULT_DATABASE_URL } from '@exchange/protocol';
import { migrateFunctionsDatabase } from './migrate.js';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const applied = await migrateFunctionsDatabase(url, { log: (message) => console.error(message) });
console.log(
  applied.length === 0 ? 'functions: no pending migrations' : `functions: applied ${applied.join(', ')}`,
);
