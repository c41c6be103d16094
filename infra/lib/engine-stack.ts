/**
 * The engine: one Fargate task of the engine-service image, never two (the lease in
 * Redis fences a straggler; the deployment settings keep ECS from starting a second
 * one), and the WebSocket fan-out as its own service from the same image. Alarms on
 * the orders queue's age (engine lag) and dead letters.
 */
import { CfnOutput, Duration, IgnoreMode, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from './paths.js';
import type { StateStack } from './state-stack.js';
import type { WebSocketStack } from './websocket-stack.js';

/** Props of {@link EngineStack}. */
export interface EngineStackProps extends StackProps {
  readonly state: StateStack;
  /** The WebSocket API the fan-out posts to. */
  readonly webSocket: WebSocketStack;
}

/** The engine's health endpoint (`ENGINE_HEALTH_PORT`). */
const HEALTH_PORT = 4002;

/** The fan-out's health endpoint (`FANOUT_HEALTH_PORT`). */
const FANOUT_HEALTH_PORT = 4003;

/** The Dockerfile's HEALTHCHECK, which ECS does not read from the image. */
function healthCheck(port: number, startPeriod: Duration): ecs.HealthCheck {
  return {
    command: [
      'CMD',
      'node',
      '-e',
      `fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
    ],
    interval: Duration.seconds(10),
    timeout: Duration.seconds(3),
    retries: 3,
    startPeriod,
  };
}

/** Node flags the engine runs with (see engine-service/src/core/README.md). */
const NODE = ['node', '--no-allocation-site-pretenuring', '--max-semi-space-size=64'];

/**
 * The build context of `engine-service/Dockerfile` is the repository root; only what
 * the Dockerfile copies goes in (Docker ignore syntax: exclude all, re-include).
 */
const IMAGE_CONTEXT_EXCLUDES = [
  '*',
  '!package.json',
  '!package-lock.json',
  // Every workspace's manifest, for `npm ci` against the root lock file.
  '!*/package.json',
  '!protocol',
  '!sqs-client',
  '!engine-service',
  '**/node_modules',
  '**/test',
  '**/.tsbuild',
];

/** A single-task service: ECS stops the old task before it starts the new one. */
const EXACTLY_ONE_TASK = {
  desiredCount: 1,
  minHealthyPercent: 0,
  maxHealthyPercent: 100,
  availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.DISABLED,
  circuitBreaker: { enable: true, rollback: true },
} as const;

/** The matching engine and the WebSocket fan-out on ECS Fargate (arm64). */
export class EngineStack extends Stack {
  /** The ECS cluster of both services. */
  public readonly cluster: ecs.Cluster;
  /** The matching engine: exactly one task. */
  public readonly engine: ecs.FargateService;
  /** The WebSocket fan-out, unless `-c fanout=false`. */
  public readonly fanout?: ecs.FargateService;

  constructor(scope: Construct, id: string, props: EngineStackProps) {
    super(scope, id, props);
    const { state, webSocket } = props;
    const { config } = state;
    this.cluster = new ecs.Cluster(this, 'cluster', {
      vpc: state.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = ecs.ContainerImage.fromAsset(REPO_ROOT, {
      file: 'engine-service/Dockerfile',
      platform: Platform.LINUX_ARM64,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: IMAGE_CONTEXT_EXCLUDES,
    });
    // Each service logs in as its own database role (see ExchangeDatabase).
    const engineDatabase = state.database.containerAccess('engine');
    // The Redis URL is built in the container from the injected AUTH token.
    const redisUrl = [`REDIS_URL="${state.redis.urlWithTokenFrom('REDIS_AUTH_TOKEN')}"`];
    const redisSecrets = { REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(state.redis.authToken) };
    const common = {
      AWS_REGION: this.region,
      REDIS_PREFIX: '',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    };
    const logGroup = (name: string) =>
      new logs.LogGroup(this, `${name}-logs`, {
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: state.functionPlatform.removalPolicy,
      });

    // The engine.
    const engineTask = new ecs.FargateTaskDefinition(this, 'engine-task', {
      cpu: config.isProduction ? 2048 : 1024,
      memoryLimitMiB: config.isProduction ? 8192 : 2048,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    engineTask.addContainer('engine', {
      image,
      essential: true,
      command: engineDatabase.command([...NODE, 'engine.mjs'], redisUrl),
      environment: {
        ...common,
        SQS_ENDPOINT: state.sqsEndpoint,
        ORDERS_QUEUE: state.orders.queue.queueName,
        EVENTS_QUEUE: state.events.queue.queueName,
        LEASE_KEY: 'engine:lease',
        ENGINE_HEALTH_PORT: String(HEALTH_PORT),
      },
      secrets: { ...engineDatabase.secrets, ...redisSecrets },
      portMappings: [{ containerPort: HEALTH_PORT }],
      // Recovery replays the journal from the last snapshot before the engine is healthy.
      healthCheck: healthCheck(HEALTH_PORT, Duration.seconds(120)),
      // SIGTERM lets the batch in hand and the long poll (20 s) finish.
      stopTimeout: Duration.seconds(60),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'engine', logGroup: logGroup('engine') }),
    });
    state.orders.queue.grantConsumeMessages(engineTask.taskRole);
    state.events.queue.grantSendMessages(engineTask.taskRole);
    this.engine = new ecs.FargateService(this, 'engine', {
      cluster: this.cluster,
      taskDefinition: engineTask,
      ...EXACTLY_ONE_TASK,
      securityGroups: [state.engineSecurityGroup],
      vpcSubnets: { subnets: state.vpc.privateSubnets },
      assignPublicIp: false,
    });

    // The WebSocket fan-out: off the matching path, so its failures never restart the engine.
    // `fanoutShards` K: K containers in the task, shard i of K each (half a vCPU apiece).
    const shards = config.fanoutShards;
    if (![1, 2, 4, 8].includes(shards)) throw new Error(`fanoutShards must be 1, 2, 4 or 8, got ${shards}`);
    if (config.fanout) {
      const fanoutTask = new ecs.FargateTaskDefinition(this, 'fanout-task', {
        cpu: 512 * shards,
        memoryLimitMiB: 1024 * shards,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.ARM64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const fanoutDatabase = state.database.containerAccess('fanout');
      for (let shard = 0; shard < shards; shard++) {
        const healthPort = FANOUT_HEALTH_PORT + shard;
        fanoutTask.addContainer(shard === 0 ? 'fanout' : `fanout-${shard}`, {
          image,
          essential: true,
          command: fanoutDatabase.command(['node', 'fanout.mjs'], redisUrl),
          environment: {
            ...common,
            WS_MANAGEMENT_ENDPOINT: webSocket.webSocketManagementEndpoint,
            FANOUT_HEALTH_PORT: String(healthPort),
            FANOUT_SHARD: `${shard}/${shards}`,
          },
          secrets: { ...fanoutDatabase.secrets, ...redisSecrets },
          healthCheck: healthCheck(healthPort, Duration.seconds(30)),
          stopTimeout: Duration.seconds(30),
          logging: ecs.LogDrivers.awsLogs({
            streamPrefix: shard === 0 ? 'fanout' : `fanout-${shard}`,
            logGroup: logGroup('fanout'),
          }),
        });
      }
      webSocket.webSocketStage.grantManagementApiAccess(fanoutTask.taskRole);
      this.fanout = new ecs.FargateService(this, 'fanout', {
        cluster: this.cluster,
        taskDefinition: fanoutTask,
        ...EXACTLY_ONE_TASK,
        securityGroups: [state.engineSecurityGroup],
        vpcSubnets: { subnets: state.vpc.privateSubnets },
        assignPublicIp: false,
      });
    }

    // Alarms.
    const minute = { period: Duration.minutes(1), statistic: 'Maximum' } as const;
    const alarm = (name: string, props: cloudwatch.AlarmProps) =>
      new cloudwatch.Alarm(this, name, props).addAlarmAction(new actions.SnsAction(state.alarmTopic));
    alarm('engine-lag-alarm', {
      metric: state.orders.queue.metricApproximateAgeOfOldestMessage(minute),
      threshold: 30,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Orders wait 30 s or more in orders.fifo: the engine is down or behind',
    });
    alarm('orders-dlq-alarm', {
      metric: state.orders.deadLetterQueue.metricApproximateNumberOfMessagesVisible(minute),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Commands reached the orders dead-letter queue: accepted orders are waiting unmatched',
    });
    alarm('engine-down-alarm', {
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.engine.serviceName },
        ...minute,
        statistic: 'Minimum',
      }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: 'No engine task has been running for 3 minutes',
    });

    new CfnOutput(this, 'EngineLogs', {
      value: `https://console.aws.amazon.com/ecs/v2/clusters/${this.cluster.clusterName}/services/${this.engine.serviceName}/logs?region=${this.region}`,
      description: 'The engine service in the ECS console',
    });
  }
}
