/**
 * Fills secret environment variables before a handler's own code runs. Bundled into the
 * banner of every Lambda of the CDK app (`load-secrets.ts`, see `lib/handler-function.ts`), so the handlers in
 * `functions/` keep reading plain `process.env.DATABASE_URL` / `API_SECRET_KEY` and the
 * CloudFormation template holds only secret ARNs, never a value.
 *
 * For each variable `<NAME>_SECRET_ARN` the secret is read once, at cold start, through
 * the AWS Parameters and Secrets Lambda Extension (a layer the stack attaches; it answers
 * on localhost and caches), and stored in `process.env.<NAME>`. Two shapes are translated:
 * - a JSON secret with `host`, `username`, `password` (the one RDS generates) becomes a
 *   `postgres://` URL in `DATABASE_URL` (TLS verified against the Lambda runtime's AWS CA
 *   bundle, `NODE_EXTRA_CA_CERTS`);
 * - 64 hexadecimal digits (the generated `API_SECRET_KEY`: Secrets Manager cannot generate
 *   base64) become the same 32 bytes in base64.
 *
 * Off Lambda (tests, the local cloud) no `_SECRET_ARN` variable is set and this does nothing.
 */

const SUFFIX = '_SECRET_ARN';
const ATTEMPTS = 5;

/** The RDS-generated secret's fields. */
interface DatabaseSecret {
  readonly host: string;
  readonly port?: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
}

function isDatabaseSecret(value: unknown): value is DatabaseSecret {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.host === 'string' && typeof v.username === 'string' && typeof v.password === 'string';
}

/** The environment value a secret string stands for. */
export function secretToEnvValue(secret: string): string {
  if (/^[0-9a-f]{64}$/.test(secret)) return Buffer.from(secret, 'hex').toString('base64');
  if (!secret.startsWith('{')) return secret;
  const parsed: unknown = JSON.parse(secret);
  if (!isDatabaseSecret(parsed)) return secret;
  const user = encodeURIComponent(parsed.username);
  const password = encodeURIComponent(parsed.password);
  const database = encodeURIComponent(parsed.dbname ?? 'postgres');
  return `postgres://${user}:${password}@${parsed.host}:${parsed.port ?? 5432}/${database}?sslmode=verify-full`;
}

async function readSecret(arn: string, env: NodeJS.ProcessEnv): Promise<string> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(arn)}`;
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const response = await fetch(url, {
        headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
      });
      if (!response.ok) throw new Error(`secret ${arn}: HTTP ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { SecretString?: string };
      if (typeof body.SecretString !== 'string') throw new Error(`secret ${arn} has no SecretString`);
      return body.SecretString;
    } catch (error) {
      lastError = error;
      // The extension may still be starting on the very first cold start.
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
  throw lastError;
}

/** Resolves every `<NAME>_SECRET_ARN` of `env` into `<NAME>`. */
export async function loadSecrets(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const names = Object.keys(env).filter((name) => name.endsWith(SUFFIX) && env[name]);
  await Promise.all(
    names.map(async (name) => {
      env[name.slice(0, -SUFFIX.length)] = secretToEnvValue(await readSecret(env[name] as string, env));
    }),
  );
}
