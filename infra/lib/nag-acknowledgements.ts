/**
 * Every finding of cdk-nag's AwsSolutions pack that the exchange accepts, each with the
 * reason, on the narrowest construct that holds it. A reviewer reads them here, in one
 * place; anything else the pack finds fails `infra/test/nag.test.ts` (and so
 * `npm test`). What was cheap and right was fixed instead: VPC flow logs, interface
 * endpoints open to the two client security groups only, access logs of the UI bucket
 * and of CloudFront.
 *
 * A finding of a rule that reports several per resource (IAM4, IAM5) is acknowledged by
 * its full id, `AwsSolutions-IAM5[Resource::…]`, so a new wildcard on the same role is
 * still reported.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { IConstruct } from 'constructs';
import { ExchangeFunction } from './constructs/exchange-function.js';
import { FunctionRoles } from './constructs/function-roles.js';
import type { ExchangeStacks } from './exchange-app.js';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/** The constructs of `type` in `scope`'s tree. */
function all<T>(scope: IConstruct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.findAll().filter((c): c is IConstruct & T => c instanceof type);
}

/** The name of the export through which another stack imports `value` of `producer`. */
function exportNameOf(producer: Stack, value: string): string {
  // The same export CDK makes for the cross-stack reference (one per value, shared).
  const resolved = producer.resolve(producer.exportValue(value)) as { 'Fn::ImportValue': string };
  return resolved['Fn::ImportValue'];
}

/** `arn:aws:s3:::bucket/*` of `bucket`, as the pack prints it from a policy in `consumer`. */
function objectsOf(bucket: s3.Bucket, consumer: Stack): string {
  const producer = Stack.of(bucket);
  if (producer === consumer) {
    return `<${producer.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`;
  }
  return `${exportNameOf(producer, bucket.bucketArn)}/*`;
}

const LAMBDA_MANAGED_POLICIES = {
  'service-role/AWSLambdaBasicExecutionRole': 'writing its own logs',
  'service-role/AWSLambdaVPCAccessExecutionRole': 'managing its network interfaces in the VPC',
} as const;

/** IAM4: the AWS-managed policies CDK gives a Lambda (logs, and network interfaces when in the VPC). */
function lambdaManagedPolicies(scope: IConstruct, inVpc: boolean): void {
  for (const [policy, what] of Object.entries(LAMBDA_MANAGED_POLICIES)) {
    if (!inVpc && policy.includes('VPC')) continue;
    acknowledge(
      scope,
      `IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
      `AWS's managed policy for ${what}, kept current by AWS; it grants nothing of the exchange's data`,
    );
  }
}

/** IAM4/IAM5 of CDK's `BucketDeployment` handler: its role copies the asset into the bucket and invalidates CloudFront. */
function bucketDeployment(deployment: s3deploy.BucketDeployment, bucket: s3.Bucket): void {
  const role: iam.IRole = deployment.handlerRole;
  const stack = Stack.of(deployment);
  lambdaManagedPolicies(role, false);
  const because = `CDK's BucketDeployment handler copies the UI from CDK's asset bucket into ${bucket.node.path} and invalidates the distribution; CDK writes this policy`;
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    `Resource::${objectsOf(bucket, stack)}`,
  ]) {
    acknowledge(role, `IAM5[${finding}]`, because);
  }
  acknowledge(
    role,
    'IAM5[Resource::*]',
    'cloudfront:CreateInvalidation and GetInvalidation take no resource narrower than * in CDK’s BucketDeployment policy',
  );
}

/** Acknowledges the accepted findings on the stacks of one stage. */
export function acknowledgeNagFindings(stacks: ExchangeStacks): void {
  const { config, state, frontend, webSocket, api, engine, dbProcessor } = stacks;

  // L1 — the Lambda runtime, per stage.
  for (const stack of [state, frontend, webSocket, api, dbProcessor]) {
    acknowledge(
      stack,
      'L1',
      'Node.js 22 is the runtime every bundle is built for (esbuild target node22) and tested on, supported by Lambda into 2027; moving to a newer one is a deliberate upgrade of the whole tree. CDK chooses the runtime of its own helper functions (BucketDeployment, custom-resource providers).',
    );
  }

  // APIG4 — no API Gateway authorizer: requests are signed and checked in the handlers.
  for (const apiConstruct of [api.httpApi, webSocket.webSocketApi]) {
    acknowledge(
      apiConstruct,
      'APIG4',
      'Public market data needs no credentials; every private route is authenticated by the handler (HMAC-SHA256 signature of the API key, timestamp window, replay guard, key permissions and IP allow-list: docs/security.md), as on Binance. An authorizer would add a second invocation per request and could not verify a signature over the body.',
    );
  }

  // IAM4 — the managed policies of every Lambda role.
  for (const stack of [state, webSocket, api, dbProcessor]) {
    for (const roles of all(stack, FunctionRoles)) lambdaManagedPolicies(roles, true);
    for (const fn of all(stack, ExchangeFunction)) lambdaManagedPolicies(fn, true);
  }
  for (const provider of all(state, cr.Provider)) lambdaManagedPolicies(provider, false);
  acknowledge(
    webSocket.node.findChild('api-gateway-logs-role'),
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "AWS's managed policy for API Gateway's account-wide CloudWatch role, which writes the WebSocket stage's access logs",
  );

  // IAM5 — wildcards CDK writes, or that the resource needs.
  for (const deployment of all(frontend, s3deploy.BucketDeployment))
    bucketDeployment(deployment, frontend.bucket);
  for (const deployment of all(api, s3deploy.BucketDeployment)) bucketDeployment(deployment, frontend.bucket);
  for (const provider of all(state, cr.Provider)) {
    const onEvent = provider.onEventHandler as lambda.Function;
    acknowledge(
      provider,
      `IAM5[Resource::<${state.getLogicalId(onEvent.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      "CDK's provider framework invokes the migration function by any version or alias of it: that one function only",
    );
  }
  const connections = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${exportNameOf(webSocket, webSocket.webSocketApi.apiId)}/${webSocket.webSocketStage.stageName}/*/@connections/*`;
  const connectionsReason =
    "Connection ids are made at $connect: the grant is @connections of this stage's WebSocket API only (POST and DELETE of any of its connections)";
  for (const roles of all(api, FunctionRoles))
    acknowledge(roles, `IAM5[Resource::${connections}]`, connectionsReason);
  if (engine.fanout) {
    acknowledge(engine.fanout.taskDefinition.taskRole, `IAM5[Resource::${connections}]`, connectionsReason);
  }
  for (const service of [engine.engine, engine.fanout]) {
    const executionRole = service?.taskDefinition.executionRole;
    if (executionRole === undefined) continue;
    acknowledge(
      executionRole,
      'IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource narrower than *; the image pulls themselves are granted on the one repository',
    );
    // ECS2 — plain settings in the task definition.
    acknowledge(
      service?.taskDefinition as IConstruct,
      'ECS2',
      "The environment holds plain settings only (region, queue names, ports, log level); the database login and Redis's AUTH token are injected from Secrets Manager as secrets (infra/test/app.test.ts checks it)",
    );
  }

  // SMG4 — secrets without rotation.
  acknowledge(
    state.apiSecretKey,
    'SMG4',
    'API_SECRET_KEY seals the stored API secrets (AES-256-GCM): rotating it needs every sealed secret re-encrypted, which no rotation function does',
  );
  acknowledge(
    state.redis.authToken,
    'SMG4',
    "Redis's AUTH token: ElastiCache rotates it only through ModifyReplicationGroup with the ROTATE strategy, which no rotation function here runs (docs/security.md, not done yet)",
  );
  acknowledge(
    state.database,
    'SMG4',
    'The master and component role passwords are set by the migration custom resource on deploy; a rotated secret needs that run again, so rotation is not scheduled (docs/security.md, not done yet)',
  );

  // RDS — the instance, when the stack creates one.
  const instance = state.database.instance;
  if (instance) {
    acknowledge(
      instance,
      'RDS11',
      'The security group admits the functions and the tasks only; a port other than 5432 hides nothing from them, and changing it on a live instance restarts it',
    );
    if (!config.isProduction) {
      acknowledge(instance, 'RDS3', 'dev is single-AZ to keep its cost low; every other stage is Multi-AZ');
      acknowledge(
        instance,
        'RDS10',
        'dev is meant to be destroyed with its stacks; every other stage has deletion protection',
      );
    }
  }

  // The UI.
  acknowledge(
    frontend.accessLogs,
    'S1',
    'This is the access-log bucket of the UI bucket and of CloudFront: logging its own writes would log forever',
  );
  acknowledge(
    frontend.distribution,
    'CFR1',
    'The UI is a static page for every country the exchange serves; which countries it serves is the operator’s decision, enforced where accounts are opened, not by the CDN',
  );
  acknowledge(
    frontend.distribution,
    'CFR2',
    'The distribution serves static files only (no keys, no forms posting to it); the API it calls is throttled per stage and rate-limited per IP and key by the handlers. A WAF is the operator’s choice and cost.',
  );
  if (config.uiDomain === undefined) {
    acknowledge(
      frontend.distribution,
      'CFR4',
      "Without uiDomain the UI is served on CloudFront's default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with uiDomain the distribution requires TLS 1.2 (TLSv1.2_2021)",
    );
  }
}
