/**
 * The API key pair the browser signs with, kept in local storage. A local/test
 * convenience: anyone with access to this browser profile can read the secret.
 */
export interface Credentials {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly label?: string;
}

export const CREDENTIALS_KEY = 'exchange.credentials';
const KEY = CREDENTIALS_KEY;
const listeners = new Set<() => void>();

export function loadCredentials(): Credentials | undefined {
  if (typeof window === 'undefined') return undefined;
  try {
    const raw = window.localStorage.getItem(KEY);
    return raw === null ? undefined : (JSON.parse(raw) as Credentials);
  } catch {
    return undefined;
  }
}

export function saveCredentials(credentials: Credentials | undefined): void {
  if (credentials === undefined) window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, JSON.stringify(credentials));
  for (const listener of listeners) listener();
}

/** Calls `listener` when the stored credentials change (this tab or another). */
export function onCredentialsChange(listener: () => void): () => void {
  listeners.add(listener);
  const storage = (event: StorageEvent) => {
    if (event.key === KEY) listener();
  };
  window.addEventListener('storage', storage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', storage);
  };
}
