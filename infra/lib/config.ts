/**
 * Everything that differs between deployments, read from CDK context (`-c key=value` or
 * `cdk.json`). Nothing here needs AWS credentials: no lookups, no environment.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import { REPO_ROOT } from './paths.js';

/** Where the functions' and the engine's database lives. */
export type DatabaseChoice =
  /** A TimescaleDB (or any PostgreSQL) the stack does not own: its connection URL is in this secret. */
  | { readonly kind: 'external'; readonly connectionSecretArn: string }
  /** An RDS PostgreSQL instance created by the stack (the schema runs without Timescale too). */
  | { readonly kind: 'rds'; readonly instanceType: string; readonly multiAz: boolean };

/** A custom domain for one API, with its ACM certificate in the stack's region. */
export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

/** The settings of one stage (`dev`, `prod`, …). */
export interface StageConfig {
  /** `-c stage=…`; `dev` when omitted. Anything but `dev` is run like production. */
  readonly stage: string;
  readonly isProduction: boolean;
  /** Prefix of stack names and physical names (queues), so stages share an account. */
  readonly prefix: string;
  readonly natGateways: number;
  /** `-c interfaceEndpoints=false` sends SQS, Secrets Manager, ECR and logs through the NAT instead. */
  readonly interfaceEndpoints: boolean;
  readonly redisNodeType: string;
  readonly database: DatabaseChoice;
  /** `-c openSignup=true` serves `POST /api/v1/accounts` in a cloud stage. */
  readonly openSignup: boolean;
  /**
   * Reserved concurrency of each public market-data function that queries PostgreSQL
   * (`-c publicQueryConcurrency=…`; 0 reserves none): a burst of history queries holds
   * at most functions × this × the pool size (`PG_POOL_MAX`) database connections.
   */
  readonly publicQueryConcurrency: number;
  /** Steady-state and burst requests per second of the HTTP API stage. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetentionDays: number;
  /** `-c apiDomain=api.example.com -c apiCertificateArn=…`; the default endpoint otherwise. */
  readonly apiDomain?: CustomDomain;
  /** `-c wsDomain=… -c wsCertificateArn=…`. */
  readonly wsDomain?: CustomDomain;
  /** `-c uiDomain=trade.example.com -c uiCertificateArn=…` (an ACM certificate in us-east-1). */
  readonly uiDomain?: CustomDomain;
  /** Extra origins allowed by CORS beside the CloudFront one (`-c uiOrigins=https://a,https://b`). */
  readonly extraUiOrigins: readonly string[];
  /** Where the built UI is (`frontend/out`), or the placeholder page when it is not built. */
  readonly frontendAssetDir: string;
  readonly frontendBuilt: boolean;
  /** `-c alarmEmail=ops@example.com` subscribes an address to the alarm topic. */
  readonly alarmEmail?: string;
  /** `-c fanout=false` leaves out the WebSocket fan-out service. */
  readonly fanout: boolean;
  /** `-c fanoutShards=K` (1, 2, 4 or 8): K fan-out processes, each serving its share of the connections. */
  readonly fanoutShards: number;
}

/** The placeholder page synthesized when `frontend/out` is missing. */
export const PLACEHOLDER_FRONTEND_DIR = join(REPO_ROOT, 'infra', 'frontend-placeholder');

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function flag(node: Node, key: string, fallback: boolean): boolean {
  const value = text(node, key);
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false, not ${value}`);
}

function domain(node: Node, name: string, certificate: string): CustomDomain | undefined {
  const domainName = text(node, name);
  if (domainName === undefined) return undefined;
  const certificateArn = text(node, certificate);
  if (certificateArn === undefined) throw new Error(`context ${name} needs ${certificate} too`);
  return { domainName, certificateArn };
}

/**
 * The stage's settings from the app's context.
 * @example
 * // npx cdk synth -c stage=prod -c databaseSecretArn=arn:aws:secretsmanager:…
 * const config = stageConfig(app.node);
 */
export function stageConfig(node: Node): StageConfig {
  const stage = text(node, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`stage must be lowercase letters, digits, -`);
  const isProduction = stage !== 'dev';
  const connectionSecretArn = text(node, 'databaseSecretArn');
  const frontendOut = text(node, 'frontendOut') ?? join(REPO_ROOT, 'frontend', 'out');
  const frontendBuilt = existsSync(join(frontendOut, 'index.html'));
  const alarmEmail = text(node, 'alarmEmail');
  const apiDomain = domain(node, 'apiDomain', 'apiCertificateArn');
  const wsDomain = domain(node, 'wsDomain', 'wsCertificateArn');
  const uiDomain = domain(node, 'uiDomain', 'uiCertificateArn');
  const natGateways = Number(text(node, 'natGateways') ?? (isProduction ? 2 : 1));
  if (!Number.isInteger(natGateways) || natGateways < 0)
    throw new Error('natGateways must be a whole number');
  const publicQueryConcurrency = Number(text(node, 'publicQueryConcurrency') ?? (isProduction ? 10 : 2));
  if (!Number.isInteger(publicQueryConcurrency) || publicQueryConcurrency < 0)
    throw new Error('publicQueryConcurrency must be a whole number');
  return {
    stage,
    isProduction,
    prefix: `exchange-${stage}`,
    natGateways,
    interfaceEndpoints: flag(node, 'interfaceEndpoints', true),
    redisNodeType: text(node, 'redisNodeType') ?? (isProduction ? 'cache.r7g.large' : 'cache.t4g.micro'),
    database: connectionSecretArn
      ? { kind: 'external', connectionSecretArn }
      : {
          kind: 'rds',
          instanceType: text(node, 'dbInstanceType') ?? (isProduction ? 'm7g.large' : 't4g.micro'),
          multiAz: isProduction,
        },
    openSignup: flag(node, 'openSignup', !isProduction),
    publicQueryConcurrency,
    throttle: isProduction ? { rateLimit: 5_000, burstLimit: 10_000 } : { rateLimit: 500, burstLimit: 1_000 },
    logRetentionDays: isProduction ? 90 : 7,
    ...(apiDomain ? { apiDomain } : {}),
    ...(wsDomain ? { wsDomain } : {}),
    ...(uiDomain ? { uiDomain } : {}),
    extraUiOrigins: (text(node, 'uiOrigins') ?? '').split(',').filter((o) => o !== ''),
    frontendAssetDir: frontendBuilt ? frontendOut : PLACEHOLDER_FRONTEND_DIR,
    frontendBuilt,
    ...(alarmEmail ? { alarmEmail } : {}),
    fanout: flag(node, 'fanout', true),
    fanoutShards: Number(text(node, 'fanoutShards') ?? '1'),
  };
}
