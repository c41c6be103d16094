/**
 * The custom resource that applies `functions/migrations` on deploy (the engine applies
 * its own at start), then sets the password of each component's database role. Bundled
 * with the migrations folder beside it (`afterBundling`); the admin's database URL comes
 * from `DATABASE_URL_SECRET_ARN`, each role's from `ROLE_DATABASE_URL_<component>_SECRET_ARN`,
 * through the bundle banner.
 */
import { join } from 'node:path';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { type DatabaseRole, setDatabaseRolePasswords } from '@exchange/functions/db/roles';

/** Each role's password, from the `ROLE_DATABASE_URL_*` URLs the banner filled. */
function rolePasswords(env: NodeJS.ProcessEnv): Partial<Record<DatabaseRole, string>> {
  const passwords: Partial<Record<DatabaseRole, string>> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ROLE_DATABASE_URL_') || name.endsWith('_SECRET_ARN') || !value) continue;
    const url = new URL(value);
    passwords[decodeURIComponent(url.username) as DatabaseRole] = decodeURIComponent(url.password);
  }
  return passwords;
}

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
  const passwords = rolePasswords(process.env);
  await setDatabaseRolePasswords(databaseUrl, passwords);
  console.log(JSON.stringify({ applied, rolePasswordsSet: Object.keys(passwords) }));
  return { PhysicalResourceId, Data: { Applied: applied.join(',') } };
}
