/**
 * The Lambdas behind the routes of the REST and WebSocket APIs, one per handler export
 * (`groupRoutesByHandler`): logged in to the database as the API's role, given only the
 * secrets their code reads, `orders.fifo` only when their code sends commands and the
 * WebSocket stage's `@connections` only when it closes connections (`bundle-graph.ts`), each sharing its execution role with the functions of its stack
 * that need the very same access (`FunctionRoles`).
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { dropsConnections, secretsReadBy, sendsCommands } from './bundle-graph.js';
import { ExchangeFunction } from './constructs/exchange-function.js';
import { FunctionRoles } from './constructs/function-roles.js';
import type { HandlerRef, RouteFunction } from './route-functions.js';
import type { StateStack } from './state-stack.js';

/** The WebSocket stage whose connections a function closes (revoking a key), and its management URL. */
export interface ConnectionsEndpoint {
  readonly stage: apigwv2.WebSocketStage;
  /** `https://…/{stage}`: `WS_MANAGEMENT_ENDPOINT`. */
  readonly url: string;
}

/** Builds the route functions of one stack. */
export class ApiFunctions {
  /** Every function built, by construct id. */
  public readonly functions = new Map<string, lambda.IFunction>();
  private readonly roles: FunctionRoles;

  /** `scope` holds the functions and their shared roles (`function-roles`). */
  constructor(
    private readonly scope: Construct,
    private readonly state: StateStack,
    private readonly connections: ConnectionsEndpoint,
  ) {
    this.roles = new FunctionRoles(scope, 'function-roles');
  }

  /**
   * The function of `group`, with `description` (cut to Lambda's 256 characters) and
   * `reservedConcurrency` when given.
   */
  add(group: RouteFunction<HandlerRef>, description: string, reservedConcurrency?: number): lambda.IFunction {
    const { state } = this;
    const sends = sendsCommands(group.handlerModule);
    const drops = dropsConnections(group.handlerModule);
    const fn = new ExchangeFunction(this.scope, group.id, {
      platform: state.functionPlatform,
      handlerModule: group.handlerModule,
      exportName: group.exportName,
      timeout: Duration.seconds(group.timeoutSeconds),
      environment: {
        OPEN_SIGNUP: String(state.config.openSignup),
        ...(sends ? { ORDERS_QUEUE_URL: state.orders.queue.queueUrl } : {}),
        ...(drops ? { WS_MANAGEMENT_ENDPOINT: this.connections.url } : {}),
      },
      secrets: secretsReadBy(group.handlerModule, {
        DATABASE_URL: state.database.secretFor('api'),
        API_SECRET_KEY: state.apiSecretKey,
        REDIS_AUTH_TOKEN: state.redis.authToken,
      }),
      ...(sends ? { sendsTo: state.orders } : {}),
      ...(drops ? { managesConnectionsOf: this.connections.stage } : {}),
      roles: this.roles,
      ...(reservedConcurrency ? { reservedConcurrency } : {}),
      description: description.slice(0, 256),
    }).function;
    this.functions.set(group.id, fn);
    return fn;
  }
}
