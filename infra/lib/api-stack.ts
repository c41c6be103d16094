/**
 * The REST API: the HTTP API with every route of `HTTP_ROUTES` (the table the local
 * emulator serves), one Lambda per handler export; the withdrawal settlement schedule;
 * and the UI's `config.json` (with the WebSocket stack's URL).
 */

import { MARKET_DATA_ROUTES } from '@exchange/functions/http/market-data-routes';
import { HTTP_ROUTES, type HttpRoute } from '@exchange/functions/http-routes';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { ApiFunctions } from './api-functions.js';
import { queriesDatabase, secretsReadBy } from './bundle-graph.js';
import { customDomain } from './constructs/custom-domain.js';
import { ExchangeFunction } from './constructs/exchange-function.js';
import type { FrontendStack } from './frontend-stack.js';
import { groupRoutesByHandler, type RouteFunction } from './route-functions.js';
import type { StateStack } from './state-stack.js';
import type { WebSocketStack } from './websocket-stack.js';

/** Props of {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  readonly state: StateStack;
  /** The UI: its origin is allowed by CORS and its `config.json` is written here. */
  readonly frontend: FrontendStack;
  /** The WebSocket API: its URL goes into the UI's `config.json`; revoking a key closes its connections. */
  readonly webSocket: WebSocketStack;
  /** @default HTTP_ROUTES */
  readonly httpRoutes?: readonly HttpRoute[];
}

/** Headers a browser may send: JSON bodies and Binance's API key header. */
const CORS_HEADERS = ['Content-Type', 'X-MBX-APIKEY'];

/** One line of JSON per request in the access log. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  time: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  bytes: '$context.responseLength',
});

function methodOf(route: HttpRoute): apigwv2.HttpMethod {
  return apigwv2.HttpMethod[route.method];
}

/**
 * Whether the function of `group` answers anyone's market-data queries (no key needed)
 * from PostgreSQL: its concurrency is capped, so a burst of history queries cannot take
 * the database's connections from the engine and the DB processor.
 */
export function isPublicQueryFunction(group: RouteFunction<HttpRoute>): boolean {
  return (
    group.routes.every((route) => MARKET_DATA_ROUTES.includes(route)) && queriesDatabase(group.handlerModule)
  );
}

/**
 * The throttle of a route whose function has reserved concurrency `c`: a burst of `c`
 * and `c` × 10 requests per second (queries answer within about 100 ms), so requests
 * beyond what the reserved instances serve get API Gateway's 429 rather than a Lambda
 * throttle, which an HTTP API answers with 500.
 */
export function queryThrottle(config: { readonly publicQueryConcurrency: number }): {
  readonly ThrottlingBurstLimit: number;
  readonly ThrottlingRateLimit: number;
} {
  // CloudFormation's names: `RouteSettings` is plain JSON to the L1 construct.
  return {
    ThrottlingBurstLimit: config.publicQueryConcurrency,
    ThrottlingRateLimit: config.publicQueryConcurrency * 10,
  };
}

/** The REST face of the exchange. */
export class ApiStack extends Stack {
  /** The REST API (API Gateway HTTP API). */
  public readonly httpApi: apigwv2.HttpApi;
  /** Its `$default` stage: throttling, access logs. */
  public readonly httpStage: apigwv2.HttpStage;
  /** The REST route table this stack was built from (the local emulator's, by default). */
  public readonly httpRoutes: readonly HttpRoute[];
  /** Every Lambda of this stack, by construct id. */
  public readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The REST base URL (the custom domain when one is configured). */
  public readonly httpUrl: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { state, frontend, webSocket } = props;
    const { config } = state;
    this.httpRoutes = props.httpRoutes ?? HTTP_ROUTES;

    this.httpApi = new apigwv2.HttpApi(this, 'http-api', {
      apiName: `${config.prefix}-http`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [frontend.origin, ...config.extraUiOrigins],
        allowMethods: [apigwv2.CorsHttpMethod.ANY],
        allowHeaders: CORS_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    const httpDomain = config.apiDomain && customDomain(this, 'http-domain', config.apiDomain);
    // With a custom domain, clients use only it: the default endpoint would bypass its
    // certificate and whatever is put in front of it.
    if (httpDomain) (this.httpApi.node.defaultChild as apigwv2.CfnApi).disableExecuteApiEndpoint = true;
    this.httpStage = new apigwv2.HttpStage(this, 'http-stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(
          new logs.LogGroup(this, 'http-access-logs', {
            retention: config.logRetentionDays as logs.RetentionDays,
            removalPolicy: state.functionPlatform.removalPolicy,
          }),
        ),
        format: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
      ...(httpDomain ? { domainMapping: { domainName: httpDomain } } : {}),
    });
    const functions = new ApiFunctions(this, state, webSocket.connections);
    const routeThrottles: Record<string, ReturnType<typeof queryThrottle>> = {};
    for (const group of groupRoutesByHandler(this.httpRoutes)) {
      const capped = isPublicQueryFunction(group) && config.publicQueryConcurrency > 0;
      const fn = functions.add(
        group,
        group.routes.map((r) => `${r.method} ${r.path}`).join(', '),
        capped ? config.publicQueryConcurrency : undefined,
      );
      // A throttled Lambda would answer 500: the route's own throttle answers 429 first.
      if (capped) {
        for (const route of group.routes)
          routeThrottles[`${route.method} ${route.path}`] = queryThrottle(config);
      }
      const integration = new integrations.HttpLambdaIntegration(`${group.id}-integration`, fn, {
        timeout: Duration.seconds(group.timeoutSeconds),
      });
      for (const route of group.routes) {
        if (route.path === '$default') {
          new apigwv2.HttpRoute(this, `${group.id}-default-route`, {
            httpApi: this.httpApi,
            routeKey: apigwv2.HttpRouteKey.DEFAULT,
            integration,
          });
        } else {
          this.httpApi.addRoutes({ path: route.path, methods: [methodOf(route)], integration });
        }
      }
    }
    if (Object.keys(routeThrottles).length > 0) {
      (this.httpStage.node.defaultChild as apigwv2.CfnStage).routeSettings = routeThrottles;
    }
    this.httpUrl = httpDomain ? `https://${config.apiDomain?.domainName}` : (this.httpStage.url as string);

    // Withdrawals settle on a schedule (locally the orchestrator runs the same handler).
    const settle = new ExchangeFunction(this, 'withdrawals-settle', {
      platform: state.functionPlatform,
      handlerModule: 'withdrawals/settle',
      timeout: Duration.seconds(50),
      environment: { ORDERS_QUEUE_URL: state.orders.queue.queueUrl },
      secrets: secretsReadBy('withdrawals/settle', {
        DATABASE_URL: state.database.secretFor('settlement'),
        REDIS_AUTH_TOKEN: state.redis.authToken,
      }),
      sendsTo: state.orders,
      description: 'Settles due withdrawals (every minute)',
    }).function;
    new events.Rule(this, 'withdrawals-settle-schedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(settle, { retryAttempts: 0 })],
    });
    this.functions = new Map([...functions.functions, ['withdrawals-settle', settle]]);

    // The UI reads its endpoints at run time, so one build serves every stage.
    new s3deploy.BucketDeployment(this, 'ui-config', {
      sources: [
        s3deploy.Source.jsonData('config.json', {
          stage: config.stage,
          apiUrl: this.httpUrl,
          wsUrl: webSocket.webSocketUrl,
        }),
      ],
      destinationBucket: frontend.bucket,
      prune: false,
      distribution: frontend.distribution,
      distributionPaths: ['/config.json'],
    });

    new CfnOutput(this, 'HttpApiUrl', { value: this.httpUrl, description: 'REST base URL' });
    if (httpDomain) {
      new CfnOutput(this, 'HttpDomainTarget', {
        value: httpDomain.regionalDomainName,
        description: `CNAME/alias target for ${config.apiDomain?.domainName}`,
      });
    }
  }
}
