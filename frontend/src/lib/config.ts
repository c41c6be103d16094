/**
 * Where the APIs are: `/config.json`, served beside the app (written by `npm start`'s
 * static server locally and by the deployment next to the files in S3). `apiUrl` may be
 * empty: the REST API is then on the app's own origin (a reverse proxy), which needs no
 * CORS.
 */
export interface AppConfig {
  /** REST base, without `/api/v1`; empty for the app's own origin. */
  readonly apiUrl: string;
  /** WebSocket API URL (`ws://…/local`, `wss://…/prod`). */
  readonly wsUrl: string;
}

let loading: Promise<AppConfig> | undefined;

/** The app's configuration, fetched once. */
export function appConfig(): Promise<AppConfig> {
  loading ??= fetch('/config.json', { cache: 'no-store' })
    .then((response) => {
      if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
      return response.json() as Promise<Partial<AppConfig>>;
    })
    .then((raw) => ({
      apiUrl: (raw.apiUrl ?? '').replace(/\/$/, ''),
      wsUrl: raw.wsUrl ?? '',
    }))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}
