/**
 * The API: the HTTP API with every route of `HTTP_ROUTES` and the WebSocket API with
 * every route of `WS_ROUTES` (the tables the local emulators serve), one Lambda per
 * handler export; the withdrawal settlement schedule; and the UI's `config.json`.
 */

import { HTTP_ROUTES, type HttpRoute } from '@exchange/functions/http-routes';
import { WS_ROUTE_SELECTION_EXPRESSION, WS_ROUTES, type WsRoute } from '@exchange/functions/ws-routes';
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { sendsCommands } from './bundle-graph.js';
import type { CustomDomain } from './config.js';
import { ExchangeFunction } from './constructs/exchange-function.js';
import type { FrontendStack } from './frontend-stack.js';
import { groupRoutesByHandler } from './route-functions.js';
import type { StateStack } from './state-stack.js';

/** Props of {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  readonly state: StateStack;
  /** The UI: its origin is allowed by CORS and its `config.json` is written here. */
  readonly frontend: FrontendStack;
  /** @default HTTP_ROUTES */
  readonly httpRoutes?: readonly HttpRoute[];
  /** @default WS_ROUTES */
  readonly wsRoutes?: readonly WsRoute[];
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

/** The REST and WebSocket faces of the exchange. */
export class ApiStack extends Stack {
  /** The REST API (API Gateway HTTP API). */
  public readonly httpApi: apigwv2.HttpApi;
  /** Its `$default` stage: throttling, access logs. */
  public readonly httpStage: apigwv2.HttpStage;
  /** The WebSocket API. */
  public readonly webSocketApi: apigwv2.WebSocketApi;
  /** Its stage, named after the deployment's stage; the fan-out posts to it. */
  public readonly webSocketStage: apigwv2.WebSocketStage;
  /** The REST route table this stack was built from (the local emulator's, by default). */
  public readonly httpRoutes: readonly HttpRoute[];
  /** The WebSocket route table this stack was built from. */
  public readonly wsRoutes: readonly WsRoute[];
  /** Every Lambda of this stack, by construct id. */
  public readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The REST base URL (the custom domain when one is configured). */
  public readonly httpUrl: string;
  /** The `wss://` URL clients connect to. */
  public readonly webSocketUrl: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { state, frontend } = props;
    const { config } = state;
    const functions = new Map<string, lambda.IFunction>();
    this.httpRoutes = props.httpRoutes ?? HTTP_ROUTES;
    this.wsRoutes = props.wsRoutes ?? WS_ROUTES;
    const handlerSecrets = {
      DATABASE_URL: state.database.connectionSecret,
      API_SECRET_KEY: state.apiSecretKey,
    };
    const apiEnvironment = { OPEN_SIGNUP: String(config.openSignup) };
    const queueEnvironment = { ORDERS_QUEUE_URL: state.orders.queue.queueUrl };

    // REST.
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
    const httpDomain = config.apiDomain && this.domain('http-domain', config.apiDomain);
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
    for (const group of groupRoutesByHandler(this.httpRoutes)) {
      const sends = sendsCommands(group.handlerModule);
      const fn = new ExchangeFunction(this, group.id, {
        platform: state.functionPlatform,
        handlerModule: group.handlerModule,
        exportName: group.exportName,
        timeout: Duration.seconds(group.timeoutSeconds),
        environment: sends ? { ...apiEnvironment, ...queueEnvironment } : apiEnvironment,
        secrets: handlerSecrets,
        description: `${group.routes.map((r) => `${r.method} ${r.path}`).join(', ')}`.slice(0, 256),
      }).function;
      if (sends) state.orders.queue.grantSendMessages(fn);
      functions.set(group.id, fn);
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
    this.httpUrl = httpDomain ? `https://${config.apiDomain?.domainName}` : (this.httpStage.url as string);

    // WebSocket.
    this.webSocketApi = new apigwv2.WebSocketApi(this, 'ws-api', {
      apiName: `${config.prefix}-ws`,
      routeSelectionExpression: WS_ROUTE_SELECTION_EXPRESSION,
    });
    for (const group of groupRoutesByHandler(this.wsRoutes)) {
      const fn = new ExchangeFunction(this, group.id, {
        platform: state.functionPlatform,
        handlerModule: group.handlerModule,
        exportName: group.exportName,
        timeout: Duration.seconds(group.timeoutSeconds),
        environment: apiEnvironment,
        secrets: handlerSecrets,
        description: `WebSocket ${group.routes.map((r) => r.routeKey).join(', ')}`.slice(0, 256),
      }).function;
      functions.set(group.id, fn);
      for (const route of group.routes) {
        const silent = route.routeKey === '$connect' || route.routeKey === '$disconnect';
        this.webSocketApi.addRoute(route.routeKey, {
          integration: new integrations.WebSocketLambdaIntegration(
            `${group.id}-${route.routeKey.replace(/[^A-Za-z0-9]/g, '')}-integration`,
            fn,
            { timeout: Duration.seconds(group.timeoutSeconds) },
          ),
          ...(silent ? {} : { returnResponse: route.returnResponse ?? true }),
        });
      }
    }
    const wsDomain = config.wsDomain && this.domain('ws-domain', config.wsDomain);
    this.webSocketStage = new apigwv2.WebSocketStage(this, 'ws-stage', {
      webSocketApi: this.webSocketApi,
      stageName: config.stage,
      autoDeploy: true,
      throttle: config.throttle,
      detailedMetricsEnabled: true,
      ...(wsDomain ? { domainMapping: { domainName: wsDomain } } : {}),
    });
    this.webSocketUrl = wsDomain ? `wss://${config.wsDomain?.domainName}` : this.webSocketStage.url;

    // Withdrawals settle on a schedule (locally the orchestrator runs the same handler).
    const settle = new ExchangeFunction(this, 'withdrawals-settle', {
      platform: state.functionPlatform,
      handlerModule: 'withdrawals/settle',
      timeout: Duration.seconds(50),
      environment: queueEnvironment,
      secrets: { DATABASE_URL: state.database.connectionSecret },
      description: 'Settles due withdrawals (every minute)',
    }).function;
    state.orders.queue.grantSendMessages(settle);
    functions.set('withdrawals-settle', settle);
    new events.Rule(this, 'withdrawals-settle-schedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(settle, { retryAttempts: 0 })],
    });
    this.functions = functions;

    // The UI reads its endpoints at run time, so one build serves every stage.
    new s3deploy.BucketDeployment(this, 'ui-config', {
      sources: [
        s3deploy.Source.jsonData('config.json', {
          stage: config.stage,
          apiUrl: this.httpUrl,
          wsUrl: this.webSocketUrl,
        }),
      ],
      destinationBucket: frontend.bucket,
      prune: false,
      distribution: frontend.distribution,
      distributionPaths: ['/config.json'],
    });

    new CfnOutput(this, 'HttpApiUrl', { value: this.httpUrl, description: 'REST base URL' });
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocketUrl, description: 'WebSocket URL' });
    if (httpDomain) {
      new CfnOutput(this, 'HttpDomainTarget', {
        value: httpDomain.regionalDomainName,
        description: `CNAME/alias target for ${config.apiDomain?.domainName}`,
      });
    }
    if (wsDomain) {
      new CfnOutput(this, 'WebSocketDomainTarget', {
        value: wsDomain.regionalDomainName,
        description: `CNAME/alias target for ${config.wsDomain?.domainName}`,
      });
    }
  }

  /** The management endpoint of the WebSocket stage (`https://…/{stage}`), for `postToConnection`. */
  get webSocketManagementEndpoint(): string {
    return Fn.join('', [
      'https://',
      this.webSocketApi.apiId,
      `.execute-api.${this.region}.${this.urlSuffix}/`,
      this.webSocketStage.stageName,
    ]);
  }

  private domain(id: string, custom: CustomDomain): apigwv2.DomainName {
    return new apigwv2.DomainName(this, id, {
      domainName: custom.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, `${id}-certificate`, custom.certificateArn),
    });
  }
}
