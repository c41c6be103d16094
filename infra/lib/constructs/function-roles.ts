/**
 * `FunctionRoles`: execution roles shared by the functions that need exactly the same
 * access — the same secrets, queue to send to and WebSocket stage to manage — so least privilege holds
 * while a stack of ~60 functions does not pay a role and a policy for each one
 * (CloudFormation allows 500 resources a stack).
 */
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { FifoQueueWithDeadLetters } from './fifo-queue.js';

/**
 * What a function's code reaches: secrets by the variable they fill, a queue it sends
 * to, the WebSocket stage whose connections it closes.
 */
export interface FunctionAccess {
  readonly secrets: Readonly<Record<string, secretsmanager.ISecret>>;
  readonly sendsTo?: FifoQueueWithDeadLetters;
  readonly managesConnectionsOf?: apigwv2.WebSocketStage;
}

/** The managed policies CDK gives a function in a VPC: its logs and its network interfaces. */
const LAMBDA_IN_VPC_POLICIES = [
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AWSLambdaVPCAccessExecutionRole',
];

function kebab(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * One role per access: `roleFor` gives the functions with equal {@link FunctionAccess}
 * (the same secret under each variable name, the same queue, the same stage) one role.
 * @example
 * const roles = new FunctionRoles(this, 'function-roles');
 * new ExchangeFunction(this, 'fn', { …, secrets, roles });
 */
export class FunctionRoles extends Construct {
  private readonly roles = new Map<string, { role: iam.Role; access: FunctionAccess }>();

  /**
   * The role of `access`, made on first use with read access to its secrets, send
   * access to its queue and `execute-api:ManageConnections` on its WebSocket stage.
   * @throws Error when a variable names a different secret than it did for another function
   */
  roleFor(access: FunctionAccess): iam.IRole {
    const names = Object.keys(access.secrets).sort();
    const sends = access.sendsTo ? ['sends', access.sendsTo.definition.name] : [];
    const manages = access.managesConnectionsOf ? ['manages', 'ws', 'connections'] : [];
    const id = kebab(['reads', ...(names.length > 0 ? names : ['nothing']), ...sends, ...manages].join('-'));
    const known = this.roles.get(id);
    if (known) {
      const same =
        known.access.sendsTo === access.sendsTo &&
        known.access.managesConnectionsOf === access.managesConnectionsOf &&
        names.every((name) => known.access.secrets[name] === access.secrets[name]);
      if (!same)
        throw new Error(`${this.node.path}/${id}: another function reads other secrets under these names`);
      return known.role;
    }
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: LAMBDA_IN_VPC_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
      description: `Functions that ${id.replace(/-/g, ' ')}`,
    });
    for (const secret of Object.values(access.secrets)) secret.grantRead(role);
    access.sendsTo?.queue.grantSendMessages(role);
    access.managesConnectionsOf?.grantManagementApiAccess(role);
    this.roles.set(id, { role, access });
    return role;
  }
}
