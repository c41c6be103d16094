/**
 * `RedisReplicationGroup`: the Valkey (Redis-compatible) replication group the engine
 * and the functions share. ElastiCache has only L1 constructs; this wraps them with
 * encryption in transit and at rest, a replica in a second AZ, automatic failover, and
 * an AUTH token generated in Secrets Manager: a task in a client security group still
 * cannot forge replies, rewrite read models or take the engine's lease without it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Props of {@link RedisReplicationGroup}. */
export interface RedisReplicationGroupProps {
  readonly vpc: ec2.IVpc;
  /** Who may connect (port 6379). */
  readonly clients: readonly ec2.ISecurityGroup[];
  readonly nodeType: string;
  /** Daily snapshots kept; 0 turns them off. */
  readonly snapshotRetentionDays: number;
}

/** A Multi-AZ, encrypted, cluster-mode-disabled replication group (one primary, one replica). */
export class RedisReplicationGroup extends Construct {
  /** The L1 replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Admits the client security groups on 6379. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** `rediss://host:port`: TLS, which ioredis turns on from the scheme. No password in it. */
  public readonly url: string;
  /**
   * The AUTH token (48 letters and digits). Functions get it as `REDIS_AUTH_TOKEN`
   * (`functions/src/db/redis.ts`), containers in the URL {@link urlWithTokenFrom} builds.
   */
  public readonly authToken: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: RedisReplicationGroupProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'security-group', {
      vpc: props.vpc,
      description: 'Redis: reachable from the engine and the functions only',
      allowAllOutbound: false,
    });
    for (const client of props.clients) {
      this.securityGroup.addIngressRule(client, ec2.Port.tcp(6379), 'Redis over TLS');
    }
    const subnets = new elasticache.CfnSubnetGroup(this, 'subnets', {
      description: 'Private subnets of the exchange',
      subnetIds: props.vpc.privateSubnets.map((s) => s.subnetId),
    });
    this.authToken = new secretsmanager.Secret(this, 'auth-token', {
      description: 'AUTH token of the exchange Redis (Valkey) replication group',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'group', {
      replicationGroupDescription: 'Exchange read models, replies, leases, rate limits',
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: props.nodeType,
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      // A dynamic reference: CloudFormation resolves it at deploy, the template holds none.
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      port: 6379,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays,
    });
    this.url = `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }

  /**
   * The URL with the token taken from the shell variable `variable` (for a container
   * command run by `sh -c`; the token has no character a URL reserves).
   */
  urlWithTokenFrom(variable: string): string {
    return `rediss://:$${variable}@${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }
}
