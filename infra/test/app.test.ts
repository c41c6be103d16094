/**
 * Assertions on the synthesized app, one behaviour each. The app is synthesized once
 * (every Lambda bundled with esbuild, offline) and shared by every test here.
 */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MARKET_DATA_ROUTES } from '@exchange/functions/http/market-data-routes';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { WS_ROUTES } from '@exchange/functions/ws-routes';
import { EVENTS_QUEUE, ORDERS_QUEUE, QUEUE_DEFINITIONS } from '@exchange/protocol';
import { type Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { isPublicQueryFunction } from '../lib/api-stack.js';
import { dropsConnections, sendsCommands } from '../lib/bundle-graph.js';
import { PLACEHOLDER_FRONTEND_DIR } from '../lib/config.js';
import { groupRoutesByHandler } from '../lib/route-functions.js';
import { type SynthesizedApp, synthesizedApp } from './synthesized-app.js';

const ONE_MEGABYTE = 1024 * 1024;

let app: SynthesizedApp;
const templates = new Map<Stack, Template>();
function template(stack: Stack): Template {
  const found = templates.get(stack) ?? Template.fromStack(stack);
  templates.set(stack, found);
  return found;
}

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
function resources(stack: Stack, type: string): [string, Resource][] {
  return Object.entries(template(stack).findResources(type)) as [string, Resource][];
}

/** The functions of our own code (not CDK's helper functions), by logical id. */
function exchangeFunctions(stack: Stack): [string, Resource][] {
  return resources(stack, 'AWS::Lambda::Function').filter(([, r]) =>
    String(r.Metadata?.['aws:cdk:path'] ?? '').endsWith('/function/Resource'),
  );
}

/** Our functions of the API stacks, each with the handler module it runs and its role's policies. */
function routeFunctions(): {
  module: string;
  role: string;
  env: Record<string, unknown>;
  policies: string;
}[] {
  const found = [];
  for (const [stack, routes] of [
    [app.api, HTTP_ROUTES],
    [app.webSocket, WS_ROUTES],
  ] as const) {
    const policies = resources(stack, 'AWS::IAM::Policy');
    for (const group of groupRoutesByHandler<{ handler: string; export?: string }>(routes)) {
      const [, fn] =
        exchangeFunctions(stack).find(
          ([, r]) => r.Metadata?.['aws:cdk:path'] === `${stack.stackName}/${group.id}/function/Resource`,
        ) ?? [];
      if (fn === undefined) throw new Error(`no function ${group.id}`);
      const role = JSON.stringify(fn.Properties.Role).match(/"([^"]+)","Arn"/)?.[1] ?? '';
      found.push({
        module: group.handlerModule,
        role: `${stack.stackName}/${role}`,
        env: (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
        policies: JSON.stringify(
          policies.filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`)),
        ),
      });
    }
  }
  return found;
}

/** The first container of the task definition whose logical id starts with `prefix`. */
interface Container {
  readonly Name: string;
  readonly Command: string[];
  readonly Environment: { Name: string; Value: unknown }[];
  readonly Secrets: { Name: string; ValueFrom: unknown }[];
}
function taskOf(stack: Stack, prefix: string): { task: Resource; container: Container } {
  const [, task] = resources(stack, 'AWS::ECS::TaskDefinition').find(([id]) => id.startsWith(prefix)) ?? [];
  const container = (task?.Properties.ContainerDefinitions as Container[] | undefined)?.[0];
  if (task === undefined || container === undefined) throw new Error(`no task definition ${prefix}`);
  return { task, container };
}

beforeAll(() => {
  app = synthesizedApp();
}, 300_000);

describe('every stack', () => {
  const stacks = () => [
    app.state,
    app.frontend,
    app.webSocket,
    app.api,
    app.engine,
    app.dbProcessor,
    app.operations,
  ];

  it('is environment-agnostic (account and region come from the CLI at deploy)', () => {
    for (const stack of stacks()) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(Token.isUnresolved(stack.region)).toBe(true);
    }
  });

  it("stays under 450 resources, with room below CloudFormation's 500 for more routes", () => {
    expect(app.assembly.stacks.map((s) => s.stackName).sort()).toEqual(
      stacks()
        .map((s) => s.stackName)
        .sort(),
    );
    const counts = app.assembly.stacks.map((s) => [s.stackName, Object.keys(s.template.Resources).length]);
    expect(counts.filter(([, count]) => Number(count) >= 450)).toEqual([]);
    expect(counts.every(([, count]) => Number(count) > 0)).toBe(true);
  });
});

describe('network and state', () => {
  it.each(QUEUE_DEFINITIONS.map((d) => [d.name, d] as const))('builds %s with its definition', (_, def) => {
    template(app.state).hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `exchange-dev-${def.name}`,
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: def.deduplicationScope,
      FifoThroughputLimit: def.fifoThroughputLimit,
      VisibilityTimeout: def.visibilityTimeoutSeconds,
      MessageRetentionPeriod: def.messageRetentionSeconds,
      ReceiveMessageWaitTimeSeconds: def.receiveWaitTimeSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        maxReceiveCount: def.deadLetterQueue.maxReceiveCount,
        deadLetterTargetArn: Match.anyValue(),
      },
    });
  });

  it.each(QUEUE_DEFINITIONS.map((d) => [d.deadLetterQueue.name, d] as const))(
    'builds the FIFO DLQ %s',
    (_, def) => {
      template(app.state).hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `exchange-dev-${def.deadLetterQueue.name}`,
        FifoQueue: true,
        MessageRetentionPeriod: def.deadLetterQueue.messageRetentionSeconds,
        SqsManagedSseEnabled: true,
      });
    },
  );

  it('refuses every queue request that is not over TLS', () => {
    const policies = resources(app.state, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(QUEUE_DEFINITIONS.length * 2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('runs Valkey Multi-AZ with automatic failover, encrypted in transit and at rest', () => {
    template(app.state).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
    });
  });

  it('creates an encrypted RDS PostgreSQL that forces TLS when no Timescale secret is given', () => {
    template(app.state).hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      StorageEncrypted: true,
    });
    template(app.state).hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('generates the API secret key in Secrets Manager: no value in the template', () => {
    template(app.state).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    for (const [, secret] of resources(app.state, 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('logs every flow of the VPC', () => {
    template(app.state).hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('admits only the functions and the tasks to the interface endpoints, on HTTPS', () => {
    const endpointGroups = resources(app.state, 'AWS::EC2::VPCEndpoint')
      .filter(([, r]) => r.Properties.VpcEndpointType === 'Interface')
      .map(([, r]) => JSON.stringify(r.Properties.SecurityGroupIds));
    expect(endpointGroups).toHaveLength(5);
    const clients = [app.state.functionsSecurityGroup, app.state.engineSecurityGroup].map((g) =>
      JSON.stringify(app.state.resolve(g.securityGroupId)),
    );
    const ingress = resources(app.state, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) =>
      endpointGroups.some((groups) => groups.includes(JSON.stringify(r.Properties.GroupId))),
    );
    expect(ingress).toHaveLength(10);
    for (const [, rule] of ingress) {
      expect(rule.Properties.FromPort).toBe(443);
      expect(clients).toContain(JSON.stringify(rule.Properties.SourceSecurityGroupId));
    }
    for (const [, group] of resources(app.state, 'AWS::EC2::SecurityGroup')) {
      expect(JSON.stringify(group.Properties.SecurityGroupIngress ?? [])).not.toContain('CidrIp');
    }
  });

  it('has private subnets and endpoints for SQS, Secrets Manager, ECR and logs', () => {
    const services = resources(app.state, 'AWS::EC2::VPCEndpoint').map(([, r]) =>
      JSON.stringify(r.Properties.ServiceName),
    );
    for (const service of ['.sqs', '.secretsmanager', '.ecr.api', '.ecr.dkr', '.logs', '.s3']) {
      expect(services.some((s) => s.includes(service))).toBe(true);
    }
  });

  it('migrates the functions schema with the migrations bundled beside the handler', () => {
    template(app.state).resourceCountIs('Custom::FunctionsMigrations', 1);
    const [[, migrator] = []] = exchangeFunctions(app.state);
    const assetDir = join(app.assembly.directory, String(migrator?.Metadata?.['aws:asset:path']));
    expect(readdirSync(join(assetDir, 'migrations'))).toEqual(
      readdirSync(join(__dirname, '..', '..', 'functions', 'migrations')),
    );
  });
});

describe('API', () => {
  const routeKeys = (stack: Stack) =>
    resources(stack, 'AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties.RouteKey));

  it('wires every REST route of HTTP_ROUTES', () => {
    const keys = routeKeys(app.api);
    for (const route of HTTP_ROUTES) expect(keys).toContain(`${route.method} ${route.path}`);
  });

  it('wires every WebSocket route of WS_ROUTES, in the WebSocket stack', () => {
    const keys = routeKeys(app.webSocket);
    for (const route of WS_ROUTES) expect(keys).toContain(route.routeKey);
  });

  it.each([
    ['REST', 'Api', HTTP_ROUTES],
    ['WebSocket', 'WebSocket', WS_ROUTES],
  ] as const)(
    'gives each %s handler module and export one function calling that export',
    (_, part, routes) => {
      const stack = part === 'Api' ? app.api : app.webSocket;
      const handlers = exchangeFunctions(stack).map(([, r]) => String(r.Metadata?.['aws:cdk:path']));
      for (const group of groupRoutesByHandler<{ handler: string; export?: string }>(routes)) {
        expect(handlers).toContain(`Exchange-dev-${part}/${group.id}/function/Resource`);
        template(stack).hasResourceProperties('AWS::Lambda::Function', {
          Handler: `index.${group.exportName}`,
          Description: Match.anyValue(),
        });
      }
    },
  );

  it('routes each REST route to the function of its handler export', () => {
    const integrations = template(app.api).findResources('AWS::ApiGatewayV2::Integration');
    const functions = exchangeFunctions(app.api);
    for (const route of HTTP_ROUTES) {
      const [, apiRoute] =
        resources(app.api, 'AWS::ApiGatewayV2::Route').find(
          ([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`,
        ) ?? [];
      const integrationId = JSON.stringify(apiRoute?.Properties.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
      const uri = JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
      const [group] = groupRoutesByHandler([route]);
      const [logicalId] =
        functions.find(
          ([, r]) => r.Metadata?.['aws:cdk:path'] === `Exchange-dev-Api/${group?.id}/function/Resource`,
        ) ?? [];
      expect(uri).toContain(`"${logicalId}"`);
    }
  });

  it('throttles the REST stage and writes access logs', () => {
    template(app.api).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it("allows the UI's CloudFront origin by CORS, with Binance's API key header", () => {
    template(app.api).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
        AllowHeaders: ['Content-Type', 'X-MBX-APIKEY'],
      }),
    });
  });

  it('gives the WebSocket API a stage with access logs and selects routes by the message method', () => {
    template(app.webSocket).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.method',
    });
    template(app.webSocket).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'dev',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('connectionId') },
    });
  });

  it('runs every function on Node 22, arm64, in the VPC', () => {
    for (const stack of [app.api, app.webSocket, app.dbProcessor, app.state]) {
      for (const [, fn] of exchangeFunctions(stack)) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          VpcConfig: { SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) },
        });
      }
    }
  });

  it('gives the API functions their environment, and secrets only as ARNs', () => {
    for (const [, fn] of [...exchangeFunctions(app.api), ...exchangeFunctions(app.webSocket)]) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        STAGE: 'dev',
        REDIS_URL: expect.anything(),
        SQS_ENDPOINT: expect.anything(),
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      });
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.API_SECRET_KEY).toBeUndefined();
      expect(env.REDIS_AUTH_TOKEN).toBeUndefined();
    }
  });

  it('gives each function only the secrets its code reads, the database as the API role', () => {
    const apiRoleSecret = app.api.resolve(app.state.database.secretFor('api').secretArn);
    const envOf = (id: string): Record<string, unknown> => {
      const found = exchangeFunctions(app.api).find(([key]) => key.startsWith(id.replace(/-/g, '')));
      if (found === undefined) throw new Error(`no function ${id}`);
      return (found[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    };
    const health = envOf('http-health-handler');
    expect(health.DATABASE_URL_SECRET_ARN).toBeUndefined();
    expect(health.API_SECRET_KEY_SECRET_ARN).toBeUndefined();
    const accounts = envOf('http-v1-accounts');
    expect(accounts.DATABASE_URL_SECRET_ARN).toEqual(apiRoleSecret);
    expect(accounts.API_SECRET_KEY_SECRET_ARN).toBeDefined();
    expect(accounts.REDIS_AUTH_TOKEN_SECRET_ARN).toBeDefined();
  });

  it('lets exactly the functions that send commands send to orders.fifo, and nothing else', () => {
    for (const [stack, ordersQueue] of [app.api, app.webSocket].map(
      (s) => [s, s.resolve(app.state.orders.queue.queueArn)] as const,
    )) {
      for (const [, policy] of resources(stack, 'AWS::IAM::Policy')) {
        for (const statement of (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
          .Statement) {
          const actions = [statement.Action].flat().map(String);
          if (actions.some((a) => a.startsWith('sqs:'))) {
            expect(actions.every((a) => a.startsWith('sqs:Send') || a.startsWith('sqs:Get'))).toBe(true);
            expect(JSON.stringify(statement.Resource)).toBe(JSON.stringify(ordersQueue));
          }
        }
      }
    }
    const functions = routeFunctions();
    for (const fn of functions) {
      const sends = sendsCommands(fn.module);
      expect([fn.module, fn.policies.includes('sqs:SendMessage')]).toEqual([fn.module, sends]);
      expect([fn.module, fn.env.ORDERS_QUEUE_URL !== undefined]).toEqual([fn.module, sends]);
    }
    const sending = (module: string) => functions.find((f) => f.module === module)?.policies.includes('sqs:');
    expect(sending('http/v1/trading')).toBe(true);
    expect(sending('ws/api')).toBe(true);
    expect(sending('http/v3/market-data')).toBe(false);
  });

  it('lets exactly the functions that revoke keys close WebSocket connections, on that stage only', () => {
    const functions = routeFunctions();
    for (const fn of functions) {
      const drops = dropsConnections(fn.module);
      expect([fn.module, fn.policies.includes('execute-api:ManageConnections')]).toEqual([fn.module, drops]);
      expect([fn.module, fn.env.WS_MANAGEMENT_ENDPOINT !== undefined]).toEqual([fn.module, drops]);
    }
    const accounts = functions.filter((f) => f.module === 'http/v1/accounts');
    expect(accounts.some((f) => f.policies.includes('/dev/*/@connections/*'))).toBe(true);
  });

  it('shares an execution role only between functions that need the same access', () => {
    const byRole = new Map<string, Set<string>>();
    for (const fn of routeFunctions()) {
      const access = JSON.stringify({
        secrets: Object.keys(fn.env)
          .filter((k) => k.endsWith('_SECRET_ARN'))
          .sort(),
        sends: fn.env.ORDERS_QUEUE_URL !== undefined,
        drops: fn.env.WS_MANAGEMENT_ENDPOINT !== undefined,
      });
      byRole.set(fn.role, (byRole.get(fn.role) ?? new Set()).add(access));
    }
    for (const accesses of byRole.values()) expect(accesses.size).toBe(1);
    expect(byRole.size).toBeLessThan(routeFunctions().length / 4);
  });

  it('grants no wildcard resource or action to any function of ours', () => {
    for (const stack of [app.api, app.webSocket, app.dbProcessor, app.state]) {
      const roles = new Set(
        exchangeFunctions(stack).map(
          ([, fn]) => JSON.stringify(fn.Properties.Role).match(/"([^"]+)","Arn"/)?.[1],
        ),
      );
      for (const [, policy] of resources(stack, 'AWS::IAM::Policy')) {
        const attached = JSON.stringify(policy.Properties.Roles);
        if (![...roles].some((role) => role && attached.includes(`"${role}"`))) continue;
        for (const statement of (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
          .Statement) {
          expect([statement.Resource].flat()).not.toContain('*');
          expect([statement.Action].flat().some((a) => String(a).endsWith(':*') || a === '*')).toBe(false);
        }
      }
    }
  });

  it('caps the concurrency of the public market-data functions that query PostgreSQL, and of no other', () => {
    const publicModules = new Set(MARKET_DATA_ROUTES.map((route) => route.handler));
    const capped: string[] = [];
    const uncappedPublicQueries: string[] = [];
    for (const stack of [app.api, app.webSocket]) {
      for (const [, fn] of exchangeFunctions(stack)) {
        const path = String(fn.Metadata?.['aws:cdk:path']);
        const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        const group = groupRoutesByHandler(HTTP_ROUTES).find(
          (g) => path === `${stack.stackName}/${g.id}/function/Resource`,
        );
        const publicQuery =
          group !== undefined &&
          publicModules.has(group.handlerModule) &&
          env.DATABASE_URL_SECRET_ARN !== undefined;
        const reserved = fn.Properties.ReservedConcurrentExecutions;
        if (reserved !== undefined) {
          expect(reserved).toBe(app.config.publicQueryConcurrency);
          capped.push(path);
        }
        if (publicQuery && reserved === undefined) uncappedPublicQueries.push(path);
      }
    }
    expect(uncappedPublicQueries).toEqual([]);
    expect(capped).toContain('Exchange-dev-Api/http-v3-market-data-klines/function/Resource');
    expect(capped).toContain('Exchange-dev-Api/http-v3-rolling-window-avg-price/function/Resource');
    expect(capped.filter((path) => !/\/http-v[13]-(market-data|rolling-window)-/.test(path))).toEqual([]);
  });

  it('throttles each capped route at the stage, so a burst gets 429 before a Lambda throttle (500)', () => {
    const stage = Object.values(template(app.api).findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: { RouteSettings?: Record<string, unknown> };
    };
    const settings = stage.Properties.RouteSettings ?? {};
    const capped = groupRoutesByHandler(HTTP_ROUTES)
      .filter((group) => isPublicQueryFunction(group))
      .flatMap((group) => group.routes.map((route) => `${route.method} ${route.path}`));
    expect(capped).toContain('GET /api/v3/klines');
    expect(Object.keys(settings).sort()).toEqual([...capped].sort());
    for (const key of capped) {
      expect(settings[key]).toEqual({
        ThrottlingBurstLimit: app.config.publicQueryConcurrency,
        ThrottlingRateLimit: app.config.publicQueryConcurrency * 10,
      });
    }
  });

  it('reserves no concurrency with -c publicQueryConcurrency=0', () => {
    const { api } = synthesizedApp({ publicQueryConcurrency: '0' });

    expect(
      exchangeFunctions(api).filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined),
    ).toEqual([]);
  });

  it('settles withdrawals every minute', () => {
    template(app.api).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it("writes the UI's config.json with the API and WebSocket URLs", () => {
    template(app.api).hasResourceProperties('Custom::CDKBucketDeployment', {
      Prune: false,
      DistributionPaths: ['/config.json'],
    });
  });
});

describe('engine', () => {
  it.each(['engine', 'fanout'])(
    'runs exactly one %s task, stopping the old before starting the new',
    (name) => {
      const [, service] =
        resources(app.engine, 'AWS::ECS::Service').find(([id]) => id.startsWith(name)) ?? [];
      expect(service?.Properties).toMatchObject({
        DesiredCount: 1,
        AvailabilityZoneRebalancing: 'DISABLED',
        DeploymentConfiguration: {
          MinimumHealthyPercent: 0,
          MaximumPercent: 100,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
      });
    },
  );

  it('runs the engine-service image on arm64 with the queues by name and the database from a secret', () => {
    const { task, container } = taskOf(app.engine, 'enginetask');
    const env = Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));

    expect(task.Properties.RuntimePlatform).toEqual({
      CpuArchitecture: 'ARM64',
      OperatingSystemFamily: 'LINUX',
    });
    expect(container.Name).toBe('engine');
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['ORDERS_QUEUE', 'EVENTS_QUEUE', 'SQS_ENDPOINT', 'AWS_REGION']),
    );
    expect(env.DATABASE_URL).toBeUndefined();
    expect(container.Secrets.map((s) => s.Name)).toEqual(
      expect.arrayContaining(['DB_PASSWORD', 'REDIS_AUTH_TOKEN']),
    );
  });

  it('connects the containers with verify-full TLS against the RDS CA bundle in the image, as their own roles', () => {
    for (const [name, component] of [
      ['enginetask', 'engine'],
      ['fanouttask', 'fanout'],
    ] as const) {
      const { container } = taskOf(app.engine, name);
      const command = JSON.stringify(app.engine.resolve(container.Command));
      expect(command).toContain('sslmode=verify-full');
      expect(command).toContain('NODE_EXTRA_CA_CERTS=/app/rds-global-bundle.pem');
      expect(command).toContain('REDIS_URL=');
      const roleSecret = app.engine.resolve(app.state.database.secretFor(component).secretArn);
      expect(JSON.stringify(container.Secrets)).toContain(JSON.stringify(roleSecret).slice(1, -1));
    }
  });

  it('lets the engine receive and delete on orders.fifo and send on events.fifo', () => {
    const policy = JSON.stringify(
      resources(app.engine, 'AWS::IAM::Policy').find(([id]) => id.startsWith('enginetaskTaskRole'))?.[1],
    );
    expect(policy).toContain('sqs:ReceiveMessage');
    expect(policy).toContain('sqs:DeleteMessage');
    expect(policy).toContain('sqs:SendMessage');
    expect(policy).not.toContain('execute-api');
  });

  it('lets only the fan-out manage connections, on the WebSocket stage only', () => {
    const policy = JSON.stringify(
      resources(app.engine, 'AWS::IAM::Policy').find(([id]) => id.startsWith('fanouttaskTaskRole'))?.[1],
    );
    expect(policy).toContain('execute-api:ManageConnections');
    expect(policy).toContain('/dev/*/@connections/*');
  });

  it('alarms on engine lag, dead letters and a missing engine task', () => {
    template(app.engine).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
    });
    template(app.engine).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    template(app.engine).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RunningTaskCount' });
  });
});

describe('DB processor', () => {
  it('reads events.fifo ten at a time, reporting batch item failures', () => {
    template(app.dbProcessor).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('names the mapping for the flow it carries, events queue to DB processor', () => {
    const mappings = Object.keys(template(app.dbProcessor).findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toEqual([expect.stringMatching(/^dbprocessorfunctioneventsqueuetodbprocessor/)]);
  });

  it('knows the events dead-letter queue and its redrive limit', () => {
    template(app.dbProcessor).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EVENTS_DLQ_URL: Match.anyValue(),
          EVENTS_MAX_RECEIVE_COUNT: String(EVENTS_QUEUE.deadLetterQueue.maxReceiveCount),
        }),
      },
    });
  });
});

describe('an external TimescaleDB', () => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:timescale-url-AbCdEf';
  let external: SynthesizedApp;
  beforeAll(() => {
    external = synthesizedApp({ databaseSecretArn: secretArn });
  }, 120_000);

  it('creates no RDS instance', () => {
    template(external.state).resourceCountIs('AWS::RDS::DBInstance', 0);
  });

  it('gives the functions the connection secret by ARN, without the Amazon CA bundle', () => {
    template(external.dbProcessor).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DATABASE_URL_SECRET_ARN: secretArn,
          NODE_EXTRA_CA_CERTS: Match.absent(),
        }),
      },
    });
  });

  it('injects the whole secret as DATABASE_URL into the engine, which assembles no URL of its own', () => {
    const { container } = taskOf(external.engine, 'enginetask');

    expect(container.Secrets).toEqual(
      expect.arrayContaining([{ Name: 'DATABASE_URL', ValueFrom: secretArn }]),
    );
    const command = JSON.stringify(container.Command);
    expect(command).toMatch(/exec node [^"\\]*engine\.mjs/);
    expect(command).not.toContain('DATABASE_URL=');
    expect(command).not.toContain('sslmode');
  });
});

describe('frontend', () => {
  it('serves a private, encrypted bucket through CloudFront origin access control', () => {
    template(app.frontend).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
    });
    template(app.frontend).resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it("logs the UI bucket's requests and CloudFront's into the access-log bucket", () => {
    const logs = app.frontend.resolve(app.frontend.accessLogs.bucketName);
    template(app.frontend).hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: logs, LogFilePrefix: 'site/' },
    });
    template(app.frontend).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: Match.objectLike({ Bucket: Match.anyValue(), Prefix: 'cdn/' }),
      }),
    });
  });

  it('deploys the placeholder page when frontend/out is not built', () => {
    const { frontend } = synthesizedApp({ frontendOut: join(tmpdir(), 'no-such-frontend-build') });

    expect(frontend.assetDir).toBe(PLACEHOLDER_FRONTEND_DIR);
  });

  it('deploys frontend/out when it is built', () => {
    const out = mkdtempSync(join(tmpdir(), 'frontend-out-'));
    writeFileSync(join(out, 'index.html'), '<!doctype html><title>UI</title>');

    const { frontend } = synthesizedApp({ frontendOut: out });

    expect(frontend.assetDir).toBe(out);
  });
});

describe('operations', () => {
  it('has one dashboard and outputs every URL', () => {
    template(app.operations).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const outputs = Object.keys(template(app.operations).findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['UiUrl', 'HttpApiUrl', 'WebSocketUrl', 'DashboardUrl']));
  });

  it('charts orders/s, engine lag, queue depth, Lambda errors and WebSocket connections', () => {
    const body = JSON.stringify(
      resources(app.operations, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody,
    );
    for (const title of [
      'Orders per second',
      'Engine lag',
      'Queue depth',
      'Lambda errors',
      'WebSocket connections',
    ]) {
      expect(body).toContain(title);
    }
  });
});

describe('bundles', () => {
  it('bundles every function of ours under 1 MB minified', () => {
    for (const stack of [app.api, app.webSocket, app.dbProcessor, app.state]) {
      for (const [, fn] of exchangeFunctions(stack)) {
        const file = join(app.assembly.directory, String(fn.Metadata?.['aws:asset:path']), 'index.mjs');
        expect(existsSync(file)).toBe(true);
        expect(statSync(file).size).toBeLessThan(ONE_MEGABYTE);
      }
    }
  });
});

describe('one definition for the local cloud and CDK', () => {
  it('builds the queues from the very objects of QUEUE_DEFINITIONS', () => {
    expect(app.state.queues.map((q) => q.definition)).toEqual(QUEUE_DEFINITIONS);
    for (const [i, q] of app.state.queues.entries()) expect(q.definition).toBe(QUEUE_DEFINITIONS[i]);
    expect(app.state.orders.definition).toBe(ORDERS_QUEUE);
    expect(app.state.events.definition).toBe(EVENTS_QUEUE);
  });

  it('builds the APIs from the very route table objects', () => {
    expect(app.api.httpRoutes).toBe(HTTP_ROUTES);
    expect(app.webSocket.wsRoutes).toBe(WS_ROUTES);
  });
});
