/** Real Redis and PostgreSQL for development, tests and CI: see this package's README. */
export { findFreePort } from './free-port.js';
export { ensurePostgres } from './postgres.js';
export {
  type PrivateServer,
  type PrivateServerOptions,
  startPrivatePostgres,
  startPrivateRedis,
} from './private-servers.js';
export { projectRoot } from './project-dir.js';
export { ensureRedis } from './redis.js';
export { alreadyRunning, type EnsureServiceOptions, type RunningService } from './running-service.js';
export {
  adminQuery,
  createScratchDatabase,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './scratch-database.js';
export { stopRecordedServer } from './server-record.js';
export { databaseOf, withDatabase } from './service-url.js';
export { type EnsureServicesOptions, ensureServices, type Services } from './services.js';
