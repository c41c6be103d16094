'use client';
/**
 * Sign-up (an API key pair kept in this browser's local storage), test funds from the
 * on-ramp, balances, and the account's API keys.
 */
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { useAccount } from '../lib/account';
import { describeError, publicPost, signed } from '../lib/api';
import { useCredentials } from '../lib/hooks';
import { type Credentials, saveCredentials } from '../lib/session';
import type { ApiKeyInfo, SignUp } from '../lib/types';
import { Balances } from './AccountTabs';

/** What the on-ramp button credits: enough to trade every market. */
const TEST_FUNDS: readonly [string, string][] = [
  ['USDC', '100000'],
  ['SOL', '1000'],
  ['BTC', '10'],
  ['ETH', '100'],
];

export function AccountScreen() {
  const credentials = useCredentials();
  return (
    <>
      <h1>Account</h1>
      <div className="notice warn" style={{ marginBottom: 12 }}>
        Local / test convenience: the API key and its secret are stored unencrypted in this browser&apos;s
        local storage. Do not use this with real funds.
      </div>
      {credentials === undefined ? <SignUpCard /> : <SignedIn credentials={credentials} />}
    </>
  );
}

function SignUpCard() {
  const [label, setLabel] = useState('browser');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [imported, setImported] = useState({ accountId: '', apiKey: '', secretKey: '' });
  const signUp = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await publicPost<SignUp>('accounts', { label });
      saveCredentials({
        accountId: created.accountId,
        apiKey: created.apiKey,
        secretKey: created.secretKey,
        label,
      });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="cards">
      <div className="card">
        <h2>Create a test account</h2>
        <p className="muted">
          Creates an account and an API key pair; the browser signs every request with it.
        </p>
        <div className="row">
          <input
            aria-label="Key label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={64}
          />
          <button type="button" className="primary" disabled={busy} onClick={() => void signUp()}>
            {busy ? 'Creating…' : 'Sign up'}
          </button>
        </div>
        {error === undefined ? null : <div className="notice bad">{error}</div>}
      </div>
      <div className="card">
        <h2>Use an existing key</h2>
        {(['accountId', 'apiKey', 'secretKey'] as const).map((field) => (
          <div className="row" key={field}>
            <input
              aria-label={field}
              placeholder={field}
              style={{ flex: 1 }}
              type={field === 'secretKey' ? 'password' : 'text'}
              value={imported[field]}
              onChange={(e) => setImported({ ...imported, [field]: e.target.value.trim() })}
            />
          </div>
        ))}
        <button
          type="button"
          disabled={Object.values(imported).some((v) => v === '')}
          onClick={() => saveCredentials(imported)}
        >
          Use this key
        </button>
      </div>
    </div>
  );
}

function SignedIn({ credentials }: { readonly credentials: Credentials }) {
  const account = useAccount(credentials, '');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const [keys, setKeys] = useState<ApiKeyInfo[]>();
  const [newKey, setNewKey] = useState<SignUp>();

  const loadKeys = useCallback(async () => {
    try {
      setKeys((await signed<{ keys: ApiKeyInfo[] }>(credentials, 'GET', 'keys')).keys);
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  }, [credentials]);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      setMessage({ ok: true, text: await action() });
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    } finally {
      setBusy(false);
      account.refresh();
    }
  };
  const onramp = () =>
    run(async () => {
      for (const [asset, amount] of TEST_FUNDS)
        await signed(credentials, 'POST', 'onramp', { asset, amount });
      return `Credited ${TEST_FUNDS.map(([a, n]) => `${n} ${a}`).join(', ')}`;
    });
  const createKey = () =>
    run(async () => {
      const created = await signed<SignUp>(credentials, 'POST', 'keys', { label: 'browser-extra' });
      setNewKey(created);
      await loadKeys();
      return 'New key created: copy its secret now, it is shown once.';
    });
  const revoke = (apiKey: string) =>
    run(async () => {
      await signed(credentials, 'DELETE', 'keys', { apiKey });
      if (apiKey === credentials.apiKey) saveCredentials(undefined);
      else await loadKeys();
      return 'Key revoked';
    });

  return (
    <div className="cards">
      <div className="card">
        <h2>Your account</h2>
        <div className="row">
          <span className="muted">Account</span> <code data-testid="account-id">{credentials.accountId}</code>
        </div>
        <div className="row">
          <span className="muted">API key</span> <code>{credentials.apiKey}</code>
        </div>
        <div className="row">
          <button type="button" className="primary" disabled={busy} onClick={() => void onramp()}>
            Get test funds
          </button>
          <Link href="/trade/SOL_USDC">
            <button type="button">Trade</button>
          </Link>
          <button type="button" onClick={() => saveCredentials(undefined)}>
            Forget this key
          </button>
        </div>
        {message === undefined ? null : (
          <div className={`notice ${message.ok ? '' : 'bad'}`} role="status" data-testid="account-message">
            {message.text}
          </div>
        )}
        {account.error === undefined ? null : <div className="notice bad">{account.error}</div>}
      </div>
      <div className="card">
        <h2>Balances</h2>
        <Balances account={account} />
      </div>
      <div className="card">
        <h2>API keys</h2>
        {keys === undefined ? (
          <div className="skeleton">Loading keys…</div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Key</th>
                <th>Label</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.apiKey}>
                  <td>
                    <code>{k.apiKey.slice(0, 12)}…</code>
                    {k.apiKey === credentials.apiKey ? <span className="muted"> (this browser)</span> : null}
                  </td>
                  <td>{k.label ?? ''}</td>
                  <td>{k.revokedAt === null ? 'active' : 'revoked'}</td>
                  <td>
                    {k.revokedAt === null ? (
                      <button
                        type="button"
                        className="link"
                        disabled={busy}
                        onClick={() => void revoke(k.apiKey)}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void createKey()}>
            Create another key
          </button>
        </div>
        {newKey === undefined ? null : (
          <div className="notice warn">
            API key <code>{newKey.apiKey}</code>
            <br />
            Secret <code>{newKey.secretKey}</code>
          </div>
        )}
      </div>
    </div>
  );
}
