/**
 * `ExchangeFunction`: one handler export of `functions/src` as a Lambda, with the
 * settings every function of the exchange shares (Node 22, arm64, ESM bundle built by
 * esbuild at synth, VPC access to Redis and the database, secrets by ARN only).
 */
import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { FUNCTIONS_SRC, LOCK_FILE, REPO_ROOT } from '../paths.js';
import type { FifoQueueWithDeadLetters } from './fifo-queue.js';
import type { FunctionRoles } from './function-roles.js';

/** What every function of a stage runs on: network, shared settings, secrets. */
export interface FunctionPlatform {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Plain settings every function gets (`STAGE`, `REDIS_URL`, …): never a secret. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** Props of {@link ExchangeFunction}. */
export interface ExchangeFunctionProps {
  readonly platform: FunctionPlatform;
  /** Module under `functions/src`, without extension (`http/v1/accounts`), as in the route tables. */
  readonly handlerModule?: string;
  /** An entry file outside `functions/src` (absolute path); instead of `handlerModule`. */
  readonly entry?: string;
  /** The export to call; `handler` when omitted. */
  readonly exportName?: string;
  /** Extra plain environment. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secrets by the variable they fill: the function gets `<NAME>_SECRET_ARN` and read
   * access to that one secret; the bundle's banner fills `<NAME>` at cold start
   * (`infra/lambda/secret-env.ts`). No secret value enters the template.
   */
  readonly secrets?: Readonly<Record<string, secretsmanager.ISecret>>;
  /** The queue its code sends to: send access to it (its URL is the caller's to pass). */
  readonly sendsTo?: FifoQueueWithDeadLetters;
  /** The WebSocket stage whose connections its code closes: `execute-api:ManageConnections` on it. */
  readonly managesConnectionsOf?: apigwv2.WebSocketStage;
  /** Share the execution role with the functions of `roles` that need the same access; else a role of its own. */
  readonly roles?: FunctionRoles;
  /** @default 29 seconds (API Gateway's integration maximum) */
  readonly timeout?: Duration;
  /** @default 512 MB */
  readonly memorySize?: number;
  /** Concurrent instances reserved for it, and its ceiling; unreserved when omitted. */
  readonly reservedConcurrency?: number;
  readonly description?: string;
  /** Files to add to the bundle (the migrations folder). */
  readonly commandHooks?: nodejs.ICommandHooks;
}

/** Modules the Lambda runtime provides (Node 22 ships AWS SDK v3) or that are optional (`pg-native`). */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*', 'pg-native'] as const;

let bannerCache: string | undefined;

/**
 * The bundle banner: `require` for the CommonJS dependencies of an ES module bundle,
 * then the secret loader, in a block of its own so its names cannot clash with the
 * bundle's. Its top-level `await` finishes before any handler module is evaluated.
 */
export function bundleBanner(): string {
  if (bannerCache === undefined) {
    const loader = buildSync({
      entryPoints: [join(REPO_ROOT, 'infra', 'lambda', 'load-secrets.ts')],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'error',
    }).outputFiles[0]?.text.trim();
    if (loader === undefined) throw new Error('the secret loader did not bundle');
    bannerCache = `import{createRequire as __exchangeRequire}from'node:module';const require=__exchangeRequire(import.meta.url);{${loader}}`;
  }
  return bannerCache;
}

/** A Lambda over one export of a `functions/src` module. */
export class ExchangeFunction extends Construct {
  /** The Lambda. */
  public readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ExchangeFunctionProps) {
    super(scope, id);
    const entry = props.entry ?? (props.handlerModule && join(FUNCTIONS_SRC, `${props.handlerModule}.ts`));
    if (!entry) throw new Error(`${id}: give handlerModule or entry`);
    const secretEnvironment: Record<string, string> = {};
    for (const [name, secret] of Object.entries(props.secrets ?? {})) {
      secretEnvironment[`${name}_SECRET_ARN`] = secret.secretArn;
    }
    const access = {
      secrets: props.secrets ?? {},
      ...(props.sendsTo ? { sendsTo: props.sendsTo } : {}),
      ...(props.managesConnectionsOf ? { managesConnectionsOf: props.managesConnectionsOf } : {}),
    };
    const role = props.roles?.roleFor(access);
    const logGroup = new logs.LogGroup(this, 'logs', {
      retention: props.platform.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.platform.removalPolicy,
    });
    this.function = new nodejs.NodejsFunction(this, 'function', {
      entry,
      handler: props.exportName ?? 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      ...(props.description ? { description: props.description } : {}),
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(role ? { role } : {}),
      vpc: props.platform.vpc,
      vpcSubnets: { subnets: props.platform.vpc.privateSubnets },
      securityGroups: [props.platform.securityGroup],
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(
        lambda.ParamsAndSecretsVersions.V1_0_103,
        { cacheEnabled: true, logLevel: lambda.ParamsAndSecretsLogLevel.WARN },
      ),
      environment: {
        ...props.platform.environment,
        ...props.environment,
        ...secretEnvironment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: false,
        externalModules: [...EXTERNAL_MODULES],
        banner: bundleBanner(),
        logLevel: nodejs.LogLevel.ERROR,
        metafile: false,
        ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
      },
    });
    if (role === undefined) {
      for (const secret of Object.values(access.secrets)) secret.grantRead(this.function);
      access.sendsTo?.queue.grantSendMessages(this.function);
      access.managesConnectionsOf?.grantManagementApiAccess(this.function);
    }
  }
}
