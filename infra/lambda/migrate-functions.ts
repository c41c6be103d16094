/**
 * The custom resource that applies `functions/migrations` on deploy (the engine applies
 * its own at start). Bundled with the migrations folder beside it (`afterBundling`); the
 * database URL comes from `DATABASE_URL_SECRET_ARN` through the bundle banner.
 */
import { join } from 'node:path';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';

/** The fields of a CloudFormation custom resource event this handler reads. */
interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
}

/** Applies pending migrations on Create and Update; a Delete leaves the schema alone. */
export async function handler(event: CustomResourceEvent): Promise<{
  PhysicalResourceId: string;
  Data: { Applied: string };
}> {
  const PhysicalResourceId = event.PhysicalResourceId ?? 'functions-migrations';
  if (event.RequestType === 'Delete') return { PhysicalResourceId, Data: { Applied: '' } };
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (DATABASE_URL_SECRET_ARN missing?)');
  const applied = await migrateFunctionsDatabase(databaseUrl, {
    dir: join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'migrations'),
    log: (message) => console.log(message),
  });
  console.log(JSON.stringify({ applied }));
  return { PhysicalResourceId, Data: { Applied: applied.join(',') } };
}
