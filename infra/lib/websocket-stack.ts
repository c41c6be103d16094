/**
 * The WebSocket API: every route of `WS_ROUTES` (the table the local emulator serves),
 * one Lambda per handler export behind one integration, its stage with access logs,
 * and the custom domain when one is configured. A stack of its own: with one route per
 * WebSocket API method it would take the REST stack past CloudFormation's 500 resources.
 */
import { WS_ROUTE_SELECTION_EXPRESSION, WS_ROUTES, type WsRoute } from '@exchange/functions/ws-routes';
import { CfnOutput, Duration, Fn, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApiFunctions, type ConnectionsEndpoint } from './api-functions.js';
import { customDomain } from './constructs/custom-domain.js';
import { WebSocketFunctionIntegration } from './constructs/websocket-function-integration.js';
import { groupRoutesByHandler } from './route-functions.js';
import type { StateStack } from './state-stack.js';

/** Props of {@link WebSocketStack}. */
export interface WebSocketStackProps extends StackProps {
  readonly state: StateStack;
  /** @default WS_ROUTES */
  readonly wsRoutes?: readonly WsRoute[];
}

/** One line of JSON per WebSocket event (connect, message, disconnect) in the access log. */
const WS_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  time: '$context.requestTimeEpoch',
  connectionId: '$context.connectionId',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  status: '$context.status',
  integrationLatencyMs: '$context.integrationLatency',
  error: '$context.error.message',
});

/** The WebSocket face of the exchange: streams and Binance's WebSocket API. */
export class WebSocketStack extends Stack {
  /** The WebSocket API. */
  public readonly webSocketApi: apigwv2.WebSocketApi;
  /** Its stage, named after the deployment's stage; the fan-out posts to it. */
  public readonly webSocketStage: apigwv2.WebSocketStage;
  /** The route table this stack was built from (the local emulator's, by default). */
  public readonly wsRoutes: readonly WsRoute[];
  /** Every Lambda of this stack, by construct id. */
  public readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The `wss://` URL clients connect to. */
  public readonly webSocketUrl: string;
  /** The stage's `@connections` endpoint, for the functions that close connections. */
  public readonly connections: ConnectionsEndpoint;

  constructor(scope: Construct, id: string, props: WebSocketStackProps) {
    super(scope, id, props);
    const { state } = props;
    const { config } = state;
    this.wsRoutes = props.wsRoutes ?? WS_ROUTES;

    this.webSocketApi = new apigwv2.WebSocketApi(this, 'ws-api', {
      apiName: `${config.prefix}-ws`,
      routeSelectionExpression: WS_ROUTE_SELECTION_EXPRESSION,
    });
    const wsDomain = config.wsDomain && customDomain(this, 'ws-domain', config.wsDomain);
    this.webSocketStage = new apigwv2.WebSocketStage(this, 'ws-stage', {
      webSocketApi: this.webSocketApi,
      stageName: config.stage,
      autoDeploy: true,
      throttle: config.throttle,
      detailedMetricsEnabled: true,
      ...(wsDomain ? { domainMapping: { domainName: wsDomain } } : {}),
    });
    this.connections = { stage: this.webSocketStage, url: this.webSocketManagementEndpoint };
    const functions = new ApiFunctions(this, state, this.connections);
    for (const group of groupRoutesByHandler(this.wsRoutes)) {
      const fn = functions.add(group, `WebSocket ${group.routes.map((r) => r.routeKey).join(', ')}`);
      const integration = new WebSocketFunctionIntegration(`${group.id}-integration`, fn, {
        timeout: Duration.seconds(group.timeoutSeconds),
      });
      for (const route of group.routes) {
        const silent = route.routeKey === '$connect' || route.routeKey === '$disconnect';
        this.webSocketApi.addRoute(route.routeKey, {
          integration,
          ...(silent ? {} : { returnResponse: route.returnResponse ?? true }),
        });
      }
    }
    this.functions = functions.functions;

    this.webSocketUrl = wsDomain ? `wss://${config.wsDomain?.domainName}` : this.webSocketStage.url;
    this.logAccess(config.logRetentionDays, state.functionPlatform.removalPolicy);

    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocketUrl, description: 'WebSocket URL' });
    if (wsDomain) {
      new CfnOutput(this, 'WebSocketDomainTarget', {
        value: wsDomain.regionalDomainName,
        description: `CNAME/alias target for ${config.wsDomain?.domainName}`,
      });
    }
  }

  /** The management endpoint of the stage (`https://…/{stage}`), for `postToConnection`. */
  get webSocketManagementEndpoint(): string {
    return Fn.join('', [
      'https://',
      this.webSocketApi.apiId,
      `.execute-api.${this.region}.${this.urlSuffix}/`,
      this.webSocketStage.stageName,
    ]);
  }

  /**
   * Access logs of the stage (the L2 stage has no setting for them). API Gateway writes
   * a WebSocket stage's logs with the account's CloudWatch role, set here.
   */
  private logAccess(retentionDays: number, removalPolicy: RemovalPolicy): void {
    const logGroup = new logs.LogGroup(this, 'ws-access-logs', {
      retention: retentionDays as logs.RetentionDays,
      removalPolicy,
    });
    const role = new iam.Role(this, 'api-gateway-logs-role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    const account = new apigateway.CfnAccount(this, 'api-gateway-account', {
      cloudWatchRoleArn: role.roleArn,
    });
    const stage = this.webSocketStage.node.defaultChild as apigwv2.CfnStage;
    stage.accessLogSettings = { destinationArn: logGroup.logGroupArn, format: WS_ACCESS_LOG_FORMAT };
    stage.addResourceDependency(account);
  }
}
