/**
 * The whole local cloud in one call: Redis and PostgreSQL, SQS with the exchange's
 * queues, and the API Gateway HTTP and WebSocket emulators serving the shared route
 * tables. `npm start` and end-to-end tests build on it; each part can also be
 * started alone from its folder.
 */
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { alreadyRunning, ensureServices, type Services } from '@exchange/local-services';
import { type HttpApi, startHttpApi } from './http-api/index.js';
import { loadRouteTable } from './http-api/route-table-loader.js';
import { DEFAULT_SQS_PORT, type LocalSqs, startLocalSqs } from './sqs/index.js';
import { start as startWebSocketApi, type WebSocketApi } from './websocket-api/index.js';

/** Default ports; 4566 is LocalStack's, so SDK configurations written for it work unchanged. */
export const DEFAULT_PORTS = { sqs: DEFAULT_SQS_PORT, httpApi: 4000, webSocketApi: 4001 } as const;

export interface LocalCloudOptions {
  /** Each port: 0 picks a free one. Defaults: {@link DEFAULT_PORTS}. */
  readonly ports?: { readonly sqs?: number; readonly httpApi?: number; readonly webSocketApi?: number };
  /** Where progress lines go; stderr by default. */
  readonly log?: (line: string) => void;
  /**
   * Use these servers as they are (never started or stopped here), instead of
   * `ensureServices()`'s choice: for callers that run, and restart, their own.
   */
  readonly services?: { readonly redisUrl: string; readonly databaseUrl: string };
  /**
   * Start any Redis or PostgreSQL server `ensureServices()` needs in a process group of
   * its own, so a terminal's Ctrl-C reaches only the caller, which stops it last. A
   * server left behind by a caller that dies is found and reused by the next start.
   * Default false: a started server shares our process group and dies with us.
   */
  readonly ownProcessGroups?: boolean;
}

export interface LocalCloud {
  readonly services: Services;
  readonly sqs: LocalSqs;
  readonly httpApi: HttpApi;
  readonly webSocketApi: WebSocketApi;
  /** Every URL a client or service needs, by name. */
  readonly urls: Readonly<Record<string, string>>;
  /** Stops everything this call started, in reverse order. */
  close(): Promise<void>;
}

/**
 * Starts every part; if one fails, stops those already started and rethrows.
 * @example
 * const cloud = await startLocalCloud({ ports: { sqs: 0, httpApi: 0, webSocketApi: 0 } });
 * await fetch(`${cloud.urls.httpApi}/health`);
 * await cloud.close();
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const part of started.reverse()) await part.close();
  };
  try {
    const services =
      options.services === undefined
        ? await ensureServices({ detached: options.ownProcessGroups ?? false })
        : givenServices(options.services);
    started.push({ close: () => services.stop() });
    log(`[local-cloud] redis ${services.redis.url}, postgres ${services.postgres.url}`);

    const sqs = await startLocalSqs({ port: ports.sqs });
    started.push(sqs);
    log(`[local-cloud] sqs ${sqs.endpoint}: ${Object.keys(sqs.queueUrls).join(', ')}`);

    const httpApi = await startHttpApi({ routes: await loadRouteTable(HTTP_ROUTES), port: ports.httpApi });
    started.push(httpApi);
    log(`[local-cloud] http api ${httpApi.url}`);

    const webSocketApi = await startWebSocketApi({ port: ports.webSocketApi });
    started.push(webSocketApi);
    log(`[local-cloud] websocket api ${webSocketApi.url}`);

    return {
      services,
      sqs,
      httpApi,
      webSocketApi,
      urls: {
        httpApi: httpApi.url,
        health: `${httpApi.url}/health`,
        webSocketApi: webSocketApi.url,
        connections: webSocketApi.managementEndpoint,
        sqs: sqs.endpoint,
        redis: services.redis.url,
        postgres: services.postgres.url,
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function givenServices(urls: { readonly redisUrl: string; readonly databaseUrl: string }): Services {
  return {
    redis: alreadyRunning(urls.redisUrl),
    postgres: alreadyRunning(urls.databaseUrl),
    stop: async () => {},
  };
}
