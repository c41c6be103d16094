/**
 * `ExchangeDatabase`: where PostgreSQL is, as a secret. Either a TimescaleDB the stack
 * does not own (Timescale Cloud or self-hosted; a Secrets Manager secret whose value is
 * the connection URL) or an RDS PostgreSQL instance the stack creates (its generated
 * JSON secret). The schema runs on both: hypertables when `timescaledb` is there,
 * plain tables and triggers when not.
 *
 * With RDS each component logs in as its own role (`DATABASE_ROLES`, made by the
 * migration `1764100000008_database-roles.sql`), with a generated password in a secret of
 * its own ({@link roleSecrets}); the migrator sets the passwords, the master user only
 * migrates. An external database has the one URL secret, used by every component.
 */

import { DATABASE_ROLES, type DatabaseComponent } from '@exchange/functions/db/roles';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatabaseChoice } from '../config.js';

/**
 * Where the engine image keeps the RDS certificate authorities
 * (`engine-service/Dockerfile`), so its containers connect with `sslmode=verify-full`.
 */
export const RDS_CA_BUNDLE_IN_IMAGE = '/app/rds-global-bundle.pem';

/** Props of {@link ExchangeDatabase}. */
export interface ExchangeDatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly choice: DatabaseChoice;
  /** Who may connect (port 5432) to an RDS instance. */
  readonly clients: readonly ec2.ISecurityGroup[];
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/** The command a container runs, and the secrets it needs for `DATABASE_URL`. */
export interface ContainerDatabaseAccess {
  readonly secrets: Record<string, ecs.Secret>;
  /**
   * Wraps a command so that `DATABASE_URL` is set when it starts, and the shell
   * `assignments` (`NAME="value"`, e.g. a URL built from another injected secret) too.
   */
  readonly command: (command: readonly string[], assignments?: readonly string[]) => string[];
}

/** The exchange's PostgreSQL, and how Lambdas and containers reach it. */
export class ExchangeDatabase extends Construct {
  /** The secret behind `DATABASE_URL`: a URL (external) or RDS's JSON (`host`, `username`, …). */
  public readonly connectionSecret: secretsmanager.ISecret;
  /** The instance, when the stack created one. */
  public readonly instance?: rds.DatabaseInstance;
  /** Which of the two it is. */
  public readonly kind: DatabaseChoice['kind'];
  /** Each component's login (RDS only): JSON with `username`, `password`, `host`, `port`, `dbname`. */
  public readonly roleSecrets: Readonly<Partial<Record<DatabaseComponent, secretsmanager.ISecret>>> = {};

  constructor(scope: Construct, id: string, props: ExchangeDatabaseProps) {
    super(scope, id);
    this.kind = props.choice.kind;
    if (props.choice.kind === 'external') {
      this.connectionSecret = secretsmanager.Secret.fromSecretCompleteArn(
        this,
        'connection',
        props.choice.connectionSecretArn,
      );
      return;
    }
    const securityGroup = new ec2.SecurityGroup(this, 'security-group', {
      vpc: props.vpc,
      description: 'PostgreSQL: reachable from the engine and the functions only',
      allowAllOutbound: false,
    });
    for (const client of props.clients) {
      securityGroup.addIngressRule(client, ec2.Port.tcp(5432), 'PostgreSQL over TLS');
    }
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 });
    this.instance = new rds.DatabaseInstance(this, 'instance', {
      engine,
      instanceType: new ec2.InstanceType(props.choice.instanceType),
      vpc: props.vpc,
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      securityGroups: [securityGroup],
      credentials: rds.Credentials.fromGeneratedSecret('exchange'),
      databaseName: 'exchange',
      multiAz: props.choice.multiAz,
      allocatedStorage: 20,
      maxAllocatedStorage: 200,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      backupRetention: Duration.days(7),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      parameterGroup: new rds.ParameterGroup(this, 'parameters', {
        engine,
        parameters: { 'rds.force_ssl': '1' },
      }),
    });
    if (this.instance.secret === undefined) throw new Error('RDS did not generate a secret');
    this.connectionSecret = this.instance.secret;
    const roleSecrets: Partial<Record<DatabaseComponent, secretsmanager.ISecret>> = {};
    for (const [component, role] of Object.entries(DATABASE_ROLES) as [DatabaseComponent, string][]) {
      // Attached to the instance, so the secret gains its host and port; no characters a URL reserves.
      roleSecrets[component] = new rds.DatabaseSecret(this, `${role.replace(/_/g, '-')}-secret`, {
        username: role,
        dbname: 'exchange',
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
      }).attach(this.instance);
    }
    this.roleSecrets = roleSecrets;
  }

  /** The secret `component` connects with: its role's (RDS), else the one URL secret. */
  secretFor(component: DatabaseComponent): secretsmanager.ISecret {
    return this.roleSecrets[component] ?? this.connectionSecret;
  }

  /**
   * How `component`'s container gets `DATABASE_URL`. ECS can inject a whole secret or
   * one JSON field, not a URL assembled from fields, so for RDS the fields of the
   * component's role secret are injected and a shell assembles the URL before `exec`ing
   * the command (the generated password has no URL-reserved characters). TLS is
   * verified (`sslmode=verify-full`) against the RDS CA bundle the image ships
   * ({@link RDS_CA_BUNDLE_IN_IMAGE}, given to Node as `NODE_EXTRA_CA_CERTS`).
   */
  containerAccess(component: DatabaseComponent): ContainerDatabaseAccess {
    const secret = this.secretFor(component);
    if (this.kind === 'external') {
      return {
        secrets: { DATABASE_URL: ecs.Secret.fromSecretsManager(secret) },
        command: (command, assignments = []) =>
          assignments.length === 0
            ? [...command]
            : ['sh', '-c', `${assignments.join(' ')} exec ${command.join(' ')}`],
      };
    }
    const field = (name: string) => ecs.Secret.fromSecretsManager(secret, name);
    return {
      secrets: {
        DB_USER: field('username'),
        DB_PASSWORD: field('password'),
        DB_HOST: field('host'),
        DB_PORT: field('port'),
        DB_NAME: field('dbname'),
      },
      command: (command, assignments = []) => [
        'sh',
        '-c',
        `${assignments.map((a) => `${a} `).join('')}DATABASE_URL="postgres://$DB_USER:$DB_PASSWORD@$DB_HOST:$DB_PORT/$DB_NAME?sslmode=verify-full" NODE_EXTRA_CA_CERTS=${RDS_CA_BUNDLE_IN_IMAGE} exec ${command.join(' ')}`,
      ],
    };
  }
}
