/**
 * Network and state: the VPC, the security groups everyone uses, Redis, PostgreSQL,
 * the FIFO queues (from the local cloud's `QUEUE_DEFINITIONS`), the API secret key,
 * the alarm topic, and the custom resource that migrates the functions' schema.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_QUEUE, ORDERS_QUEUE, QUEUE_DEFINITIONS } from '@exchange/protocol';
import { CustomResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import { ExchangeDatabase } from './constructs/exchange-database.js';
import { ExchangeFunction, type FunctionPlatform } from './constructs/exchange-function.js';
import { FifoQueueWithDeadLetters } from './constructs/fifo-queue.js';
import { RedisReplicationGroup } from './constructs/redis-replication-group.js';
import { REPO_ROOT } from './paths.js';

/** Props of {@link StateStack}. */
export interface StateStackProps extends StackProps {
  readonly config: StageConfig;
}

/** Folder of the functions' migrations, bundled into the migration custom resource. */
const FUNCTIONS_MIGRATIONS = join(REPO_ROOT, 'functions', 'migrations');

/** A digest of the migration files: the custom resource runs again when one changes. */
function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(FUNCTIONS_MIGRATIONS).sort()) {
    hash.update(name).update(readFileSync(join(FUNCTIONS_MIGRATIONS, name)));
  }
  return hash.digest('hex');
}

/** The stateful half of the exchange; every other stack builds on it. */
export class StateStack extends Stack {
  /** The stage settings every stack reads. */
  public readonly config: StageConfig;
  /** Two AZs: public subnets for the NAT, private ones for everything else. */
  public readonly vpc: ec2.Vpc;
  /** The security group of every Lambda in the VPC. */
  public readonly functionsSecurityGroup: ec2.SecurityGroup;
  /** The security group of the engine and fan-out tasks. */
  public readonly engineSecurityGroup: ec2.SecurityGroup;
  /** The Valkey replication group. */
  public readonly redis: RedisReplicationGroup;
  /** PostgreSQL: RDS or an external TimescaleDB. */
  public readonly database: ExchangeDatabase;
  /** `orders.fifo`: API → engine commands. */
  public readonly orders: FifoQueueWithDeadLetters;
  /** `events.fifo`: engine → DB processor events. */
  public readonly events: FifoQueueWithDeadLetters;
  /** Every queue, in `QUEUE_DEFINITIONS` order. */
  public readonly queues: readonly FifoQueueWithDeadLetters[];
  /** 32 random bytes (hex) that seal API secrets: `API_SECRET_KEY`. */
  public readonly apiSecretKey: secretsmanager.Secret;
  /** Where every alarm notifies. */
  public readonly alarmTopic: sns.Topic;
  /** What every Lambda of this stage runs on. */
  public readonly functionPlatform: FunctionPlatform;
  /** The regional SQS endpoint; the clients need it explicit (they default to the local cloud). */
  public readonly sqsEndpoint: string;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const removalPolicy = config.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.vpc = new ec2.Vpc(this, 'vpc', {
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    // Every accepted and rejected flow, for the investigation after an incident.
    this.vpc.addFlowLog('flow-log', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'flow-logs', {
          retention: config.logRetentionDays as logs.RetentionDays,
          removalPolicy,
        }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'functions-security-group', {
      vpc: this.vpc,
      description: 'Lambda functions of the exchange',
    });
    this.engineSecurityGroup = new ec2.SecurityGroup(this, 'engine-security-group', {
      vpc: this.vpc,
      description: 'Engine and fan-out tasks',
    });
    const clients = [this.functionsSecurityGroup, this.engineSecurityGroup];

    // SQS, secrets, image pulls and logs stay inside the VPC; the NAT carries the rest
    // (the WebSocket management API, an external TimescaleDB). The endpoints admit the
    // functions and the tasks only, not the whole VPC range.
    if (config.interfaceEndpoints) {
      for (const [name, service] of [
        ['sqs', ec2.InterfaceVpcEndpointAwsService.SQS],
        ['secrets-manager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        ['ecr', ec2.InterfaceVpcEndpointAwsService.ECR],
        ['ecr-docker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
        ['logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ] as const) {
        const endpoint = this.vpc.addInterfaceEndpoint(name, {
          service,
          privateDnsEnabled: true,
          open: false,
        });
        for (const client of clients)
          endpoint.connections.allowDefaultPortFrom(client, 'HTTPS to the endpoint');
      }
    }

    this.redis = new RedisReplicationGroup(this, 'redis', {
      vpc: this.vpc,
      clients,
      nodeType: config.redisNodeType,
      snapshotRetentionDays: config.isProduction ? 7 : 0,
    });
    this.database = new ExchangeDatabase(this, 'database', {
      vpc: this.vpc,
      choice: config.database,
      clients,
      removalPolicy: config.isProduction ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      deletionProtection: config.isProduction,
    });

    this.queues = QUEUE_DEFINITIONS.map(
      (definition) =>
        new FifoQueueWithDeadLetters(this, definition.name.replace('.fifo', '-queue'), {
          definition,
          namePrefix: config.prefix,
          removalPolicy,
        }),
    );
    this.orders = this.queueOf(ORDERS_QUEUE.name);
    this.events = this.queueOf(EVENTS_QUEUE.name);

    this.apiSecretKey = new secretsmanager.Secret(this, 'api-secret-key', {
      description: 'API_SECRET_KEY: seals API secret keys at rest (64 hex digits = 32 bytes)',
      generateSecretString: {
        passwordLength: 64,
        excludeUppercase: true,
        excludePunctuation: true,
        includeSpace: false,
        excludeCharacters: 'ghijklmnopqrstuvwxyz',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.alarmTopic = new sns.Topic(this, 'alarms', { enforceSSL: true });
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }

    this.sqsEndpoint = `https://sqs.${this.region}.${this.urlSuffix}`;
    this.functionPlatform = {
      vpc: this.vpc,
      securityGroup: this.functionsSecurityGroup,
      environment: {
        STAGE: config.stage,
        REDIS_URL: this.redis.url,
        REDIS_PREFIX: '',
        SQS_ENDPOINT: this.sqsEndpoint,
        LOG_LEVEL: 'info',
        // Lambda's bundle of Amazon CAs, which signs RDS certificates. Not loaded by default
        // since Node 20 (it slows cold starts), so only when the database is RDS.
        ...(this.database.kind === 'rds' ? { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' } : {}),
      },
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    };

    this.migrateFunctionsSchema();
  }

  private queueOf(name: string): FifoQueueWithDeadLetters {
    const found = this.queues.find((q) => q.definition.name === name);
    if (found === undefined) throw new Error(`${name} is not in QUEUE_DEFINITIONS`);
    return found;
  }

  /**
   * Applies `functions/migrations` on deploy, before any stack that serves requests
   * (they all depend on this one), then sets each component role's password from its
   * secret (`ROLE_DATABASE_URL_<component>`). Runs again whenever a migration file or a
   * secret changes.
   */
  private migrateFunctionsSchema(): void {
    const roleSecrets = Object.fromEntries(
      Object.entries(this.database.roleSecrets).map(([component, secret]) => [
        `ROLE_DATABASE_URL_${component}`,
        secret,
      ]),
    );
    const migrator = new ExchangeFunction(this, 'functions-migrations', {
      platform: this.functionPlatform,
      entry: join(REPO_ROOT, 'infra', 'lambda', 'migrate-functions.ts'),
      description: 'Applies functions/migrations (custom resource)',
      timeout: Duration.minutes(5),
      secrets: { DATABASE_URL: this.database.connectionSecret, ...roleSecrets },
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) => [
          `cp -r "${inputDir}/functions/migrations" "${outputDir}/migrations"`,
        ],
      },
    });
    if (this.database.instance) migrator.node.addDependency(this.database.instance);
    const provider = new cr.Provider(this, 'functions-migrations-provider', {
      onEventHandler: migrator.function,
    });
    const schema = new CustomResource(this, 'functions-schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::FunctionsMigrations',
      properties: {
        migrations: migrationsDigest(),
        databaseSecret: this.database.connectionSecret.secretArn,
        roleSecrets: Object.values(roleSecrets).map((secret) => secret.secretArn),
      },
    });
    // The migrator reaches the secret and the database through the endpoints and the NAT.
    schema.node.addDependency(this.vpc);
  }
}
