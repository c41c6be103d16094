/**
 * The AWS credentials a request is signed with: given explicitly (an SDK client's
 * resolved `config.credentials`, or fixed keys for the local cloud), or read from the
 * environment variables Lambda and ECS tasks provide.
 */

/** An access key pair, with the session token temporary credentials carry. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** AWS credentials, or an (ideally memoizing) provider of them, like an SDK client's `config.credentials`. */
export type CredentialsSource = Credentials | (() => Promise<Credentials>);

/**
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`: what the Lambda
 * runtime sets for the function's role, valid for the life of its execution environment.
 * @throws Error when the key pair is not set
 * @example
 * const sqs = new SqsJsonClient({ endpoint, region, credentials: credentialsFromEnvironment() });
 */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set to sign SQS requests');
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
