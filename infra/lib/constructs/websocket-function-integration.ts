/**
 * `WebSocketFunctionIntegration`: one Lambda behind many WebSocket routes with one
 * integration and one invoke permission, where `WebSocketLambdaIntegration` adds a
 * permission per route. Binance's WebSocket API is one function behind a route per
 * method: per-route resources would take the API stack past CloudFormation's 500.
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** A Lambda proxy integration shared by every route it is given to. */
export class WebSocketFunctionIntegration extends apigwv2.WebSocketRouteIntegration {
  private permitted = false;

  constructor(
    private readonly integrationId: string,
    private readonly handler: lambda.IFunction,
    private readonly props: { readonly timeout?: Duration } = {},
  ) {
    super(integrationId);
  }

  bind(options: apigwv2.WebSocketRouteIntegrationBindOptions): apigwv2.WebSocketRouteIntegrationConfig {
    const stack = Stack.of(options.route);
    if (!this.permitted) {
      // Any route of this API, on any stage: the function serves only this API's routes.
      this.handler.addPermission(`${this.integrationId}-permission`, {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: stack.formatArn({
          service: 'execute-api',
          resource: options.route.webSocketApi.apiId,
          resourceName: '*',
        }),
      });
      this.permitted = true;
    }
    return {
      type: apigwv2.WebSocketIntegrationType.AWS_PROXY,
      uri: stack.formatArn({
        service: 'apigateway',
        account: 'lambda',
        resource: 'path/2015-03-31/functions',
        resourceName: `${this.handler.functionArn}/invocations`,
      }),
      ...(this.props.timeout ? { timeout: this.props.timeout } : {}),
    };
  }
}
