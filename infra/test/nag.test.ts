/**
 * cdk-nag's AwsSolutions pack over whole stages, registered as CDK registers it
 * (`Validations.of(app).addPlugins(…)`): synthesis fails on any finding that
 * `lib/nag-acknowledgements.ts` does not acknowledge. Lambdas are not bundled (the pack
 * reads templates, not code), so each stage synthesizes in a second or two.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addExchangeStacks, type ExchangeStacks } from '../lib/exchange-app.js';
import { REPO_ROOT } from '../lib/paths.js';

const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/** Every stage setting that changes which resources exist. */
const VARIANT = {
  stage: 'staging',
  databaseSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:timescale-url-AbCdEf',
  apiDomain: 'api.example.com',
  apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/api',
  wsDomain: 'ws.example.com',
  wsCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/ws',
  uiDomain: 'trade.example.com',
  uiCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/ui',
  alarmEmail: 'ops@example.com',
  fanout: 'false',
  interfaceEndpoints: 'false',
};

/** A stage's stacks in an app with the AwsSolutions pack registered; `change` adds to them before synthesis. */
function checkedStage(context: Record<string, string>, change?: (stacks: ExchangeStacks) => void): App {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
  const stacks = addExchangeStacks(app);
  change?.(stacks);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/** `rule at construct path` for each unacknowledged finding (the pack run again, after synthesis resolved the references). */
function findings(app: App): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

/** Synthesizes `app`; the unacknowledged findings when the pack failed it, else none. */
function synthesize(app: App): string[] {
  try {
    app.synth();
    return [];
  } catch (error) {
    const found = findings(app);
    if (found.length === 0) throw error;
    return found;
  }
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['dev', { stage: 'dev' }],
    ['prod', { stage: 'prod' }],
    ['an external TimescaleDB, custom domains, no fan-out, no endpoints', VARIANT],
  ])('finds nothing unacknowledged in %s', (_, context) => {
    expect(synthesize(checkedStage(context))).toEqual([]);
  });

  it('fails synthesis on a finding acknowledged nowhere, even beside acknowledged ones', () => {
    const found = synthesize(
      checkedStage({ stage: 'dev' }, ({ frontend, api }) => {
        // S1 is acknowledged on the access-log bucket only, IAM5 wildcards by their exact resource.
        new s3.Bucket(frontend, 'unlogged-bucket', { enforceSSL: true });
        new iam.Policy(api, 'wildcard-policy', {
          roles: [
            new iam.Role(api, 'wildcard-role', {
              assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
            }),
          ],
          statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })],
        });
      }),
    );

    expect(found.sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*] at Exchange-dev-Api/wildcard-policy/Resource',
      'AwsSolutions-S1 at Exchange-dev-Frontend/unlogged-bucket/Resource',
    ]);
  });
});
