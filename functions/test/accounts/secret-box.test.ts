/**
 * Unit tests of secret sealing and of the stage switch that decides whether the
 * development key may be used.
 */
import { DEVELOPMENT_SECRET_KEY, SecretBox, serverSecretKey } from '../../src/accounts/secret-box.js';
import { isLocalStage, isOpenSignupEnabled } from '../../src/accounts/stage.js';

const KEY = Buffer.alloc(32, 7);
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

describe('SecretBox', () => {
  it('opens what it sealed, and seals the same secret differently each time', () => {
    const box = new SecretBox(KEY);
    const a = box.seal(SECRET, 'key-1');
    const b = box.seal(SECRET, 'key-1');
    expect(box.open(a, 'key-1')).toBe(SECRET);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from(SECRET))).toBe(false);
  });

  it.each([
    ['another API key as aad', (s: Buffer) => new SecretBox(KEY).open(s, 'key-2')],
    ['another server key', (s: Buffer) => new SecretBox(Buffer.alloc(32, 8)).open(s, 'key-1')],
    [
      'a flipped ciphertext byte',
      (s: Buffer) => {
        const t = Buffer.from(s);
        t[t.length - 1] = (t[t.length - 1] as number) ^ 1;
        return new SecretBox(KEY).open(t, 'key-1');
      },
    ],
    ['a truncated box', (s: Buffer) => new SecretBox(KEY).open(s.subarray(0, 20), 'key-1')],
  ])('refuses to open with %s', (_, open) => {
    const sealed = new SecretBox(KEY).seal(SECRET, 'key-1');
    expect(() => open(sealed)).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow('32 bytes');
  });
});

describe('serverSecretKey and the stage', () => {
  const good = Buffer.alloc(32, 1).toString('base64');

  it.each([
    [{}, 'the development key'],
    [{ STAGE: 'local' }, 'the development key'],
    [{ STAGE: 'test' }, 'the development key'],
    [{ STAGE: 'prod', API_SECRET_KEY: good }, 'the configured key'],
    [{ API_SECRET_KEY: good }, 'the configured key'],
  ])('%j gives %s', (env, which) => {
    const key = serverSecretKey(env);
    expect(key.equals(which === 'the development key' ? DEVELOPMENT_SECRET_KEY : Buffer.alloc(32, 1))).toBe(
      true,
    );
  });

  it.each([
    [{ STAGE: 'prod' }, 'API_SECRET_KEY is required'],
    [{ STAGE: 'staging' }, 'API_SECRET_KEY is required'],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, 'API_SECRET_KEY is required'],
    [{ API_SECRET_KEY: Buffer.alloc(16).toString('base64') }, 'must be 32 bytes'],
    [{ API_SECRET_KEY: 'not base64!' }, 'must be 32 bytes'],
  ])('%j refuses to start: %s', (env, message) => {
    expect(() => serverSecretKey(env)).toThrow(message);
  });

  it('never treats AWS Lambda as a local stage, whatever STAGE says', () => {
    expect(isLocalStage({ STAGE: 'local', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBe(false);
  });

  it.each([
    [{}, true],
    [{ STAGE: 'prod' }, false],
    [{ STAGE: 'prod', OPEN_SIGNUP: 'true' }, true],
    [{ OPEN_SIGNUP: 'false' }, false],
  ])('open sign-up under %j: %s', (env, enabled) => {
    expect(isOpenSignupEnabled(env)).toBe(enabled);
  });

  it('refuses a misspelt OPEN_SIGNUP', () => {
    expect(() => isOpenSignupEnabled({ OPEN_SIGNUP: 'yes' })).toThrow('OPEN_SIGNUP');
  });
});
