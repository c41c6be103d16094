import { loadSecrets, secretToEnvValue } from '../lambda/secret-env.js';

describe('secretToEnvValue', () => {
  it('turns the generated 64 hex digits into the 32-byte base64 key API_SECRET_KEY expects', () => {
    const hex = 'ab'.repeat(32);

    const value = secretToEnvValue(hex);

    expect(Buffer.from(value, 'base64')).toEqual(Buffer.from(hex, 'hex'));
    expect(Buffer.from(value, 'base64').toString('base64')).toBe(value);
  });

  it('assembles a TLS PostgreSQL URL from the secret RDS generates', () => {
    const secret = JSON.stringify({
      engine: 'postgres',
      host: 'db.example.internal',
      port: 5432,
      username: 'exchange',
      password: 'p=ss,word^',
      dbname: 'exchange',
    });

    expect(secretToEnvValue(secret)).toBe(
      'postgres://exchange:p%3Dss%2Cword%5E@db.example.internal:5432/exchange?sslmode=verify-full',
    );
  });

  it('passes a connection URL (Timescale Cloud) through unchanged', () => {
    const url = 'postgres://tsdbadmin:secret@abc.tsdb.cloud.timescale.com:34567/tsdb?sslmode=require';

    expect(secretToEnvValue(url)).toBe(url);
  });
});

describe('loadSecrets', () => {
  it('does nothing where no variable ends in _SECRET_ARN (tests, the local cloud)', async () => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL: 'postgres://local' };

    await loadSecrets(env);

    expect(env).toEqual({ DATABASE_URL: 'postgres://local' });
  });
});

describe('loadSecrets through the extension', () => {
  it('fills <NAME> from <NAME>_SECRET_ARN with the session token as the extension asks', async () => {
    const { createServer } = await import('node:http');
    const seen: { url?: string; token?: string } = {};
    const server = createServer((req, res) => {
      seen.url = req.url;
      seen.token = req.headers['x-aws-parameters-secrets-token'] as string;
      res.end(JSON.stringify({ SecretString: 'cd'.repeat(32) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const env: NodeJS.ProcessEnv = {
      API_SECRET_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      AWS_SESSION_TOKEN: 'token',
    };

    try {
      await loadSecrets(env);
    } finally {
      server.close();
    }

    expect(env.API_SECRET_KEY).toBe(Buffer.from('cd'.repeat(32), 'hex').toString('base64'));
    expect(seen).toEqual({
      url: `/secretsmanager/get?secretId=${encodeURIComponent('arn:aws:secretsmanager:eu-west-1:1:secret:key')}`,
      token: 'token',
    });
  });
});
