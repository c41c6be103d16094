/**
 * Assertions on the deploy pipeline, one behaviour each, on one synthesis (offline, no
 * bundling: the stacks inside are those `app.test.ts` checks bundled), and the real entry
 * (`npx cdk synth` with the pipeline's context) run once, offline, as the pipeline runs it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../lib/paths.js';
import { type PipelineConfig, pipelineConfig } from '../lib/pipeline/pipeline-config.js';
import { CLOUD_ASSEMBLY_DIR, PipelineStack } from '../lib/pipeline/pipeline-stack.js';

const CONNECTION =
  'arn:aws:codeconnections:eu-west-1:111111111111:connection/0c1d2e3f-4a5b-6c7d-8e9f-001122334455';
const SMOKE_KEY = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:exchange-smoke-key-AbCdEf';
const PIPELINE_CONTEXT = {
  pipelineRepository: 'acme/exchange',
  pipelineBranch: 'release',
  pipelineConnectionArn: CONNECTION,
  'prod:alarmEmail': 'ops@example.com',
};

const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

function synthesize(context: Record<string, string>): { stack: PipelineStack; template: Template } {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
  const config = pipelineConfig(app.node) as PipelineConfig;
  const stack = new PipelineStack(app, 'Exchange-Pipeline', { config });
  return { stack, template: Template.fromStack(stack) };
}

interface Action {
  readonly Name: string;
  readonly RunOrder: number;
  readonly ActionTypeId: { Category: string; Provider: string };
  readonly Configuration: Record<string, unknown>;
}
interface PipelineStage {
  readonly Name: string;
  readonly Actions: Action[];
}
type Resource = { Properties: Record<string, unknown> };

function stagesOf(template: Template): PipelineStage[] {
  const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as Resource[];
  return (pipeline?.Properties.Stages ?? []) as PipelineStage[];
}

function stage(template: Template, name: string): PipelineStage {
  const found = stagesOf(template).find((s) => s.Name === name);
  if (found === undefined) throw new Error(`no pipeline stage ${name}`);
  return found;
}

/** The CodeBuild project whose logical id contains `part`. */
function project(template: Template, part: string): Resource {
  const found = Object.entries(template.findResources('AWS::CodeBuild::Project')).find(([id]) =>
    id.includes(part),
  );
  if (found === undefined) throw new Error(`no CodeBuild project ${part}`);
  return found[1] as Resource;
}

function buildCommands(resource: Resource): string[] {
  const source = resource.Properties.Source as { BuildSpec: string };
  const spec = JSON.parse(source.BuildSpec) as { phases: { build: { commands: string[] } } };
  return spec.phases.build.commands;
}

let pipeline: { stack: PipelineStack; template: Template };

beforeAll(() => {
  pipeline = synthesize(PIPELINE_CONTEXT);
}, 120_000);

describe('the pipeline', () => {
  it('runs source, synth, self-update, assets, dev, then prod', () => {
    expect(stagesOf(pipeline.template).map((s) => s.Name)).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      'dev',
      'prod',
    ]);
  });

  it('takes the repository and branch from context through the CodeStar connection', () => {
    const [source] = stage(pipeline.template, 'Source').Actions;
    expect(source?.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source?.Configuration).toMatchObject({
      ConnectionArn: CONNECTION,
      FullRepositoryId: 'acme/exchange',
      BranchName: 'release',
    });
  });

  it('runs npm ci, the type check, lint, the unused-code check and every test before cdk synth', () => {
    const commands = buildCommands(project(pipeline.template, 'Synth'));
    const ciRun = commands.indexOf('bash .ci/run');
    const synth = commands.findIndex((c) => c.startsWith('npx cdk synth'));
    expect(ciRun).toBeGreaterThanOrEqual(0);
    expect(synth).toBeGreaterThan(ciRun);
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci /m);
    expect(ci).toMatch(/^npm test /m);
    const rootScripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(rootScripts.test).toBe('npm run typecheck && npm run lint && npm run knip && jest');
  });

  it('synthesizes itself with the context it was deployed with, into the assembly it deploys', () => {
    const synthProject = project(pipeline.template, 'Synth');
    const synth = buildCommands(synthProject).find((c) => c.startsWith('npx cdk synth')) ?? '';
    for (const [key, value] of Object.entries(PIPELINE_CONTEXT))
      expect(synth).toContain(`-c ${key}=${value}`);
    const spec = JSON.parse((synthProject.Properties.Source as { BuildSpec: string }).BuildSpec) as {
      artifacts: { 'base-directory': string };
    };
    expect(spec.artifacts['base-directory']).toBe(CLOUD_ASSEMBLY_DIR);
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).output).toBe(CLOUD_ASSEMBLY_DIR);
  });

  it('updates itself before it deploys anything', () => {
    const [mutate] = stage(pipeline.template, 'UpdatePipeline').Actions;
    expect(mutate?.Name).toBe('SelfMutate');
  });

  it('builds the images on an arm64 host with Docker (the tasks are arm64)', () => {
    expect(project(pipeline.template, 'DockerAsset').Properties.Environment).toMatchObject({
      Type: 'ARM_CONTAINER',
      PrivilegedMode: true,
    });
  });
});

describe('dev', () => {
  it('deploys the stacks of addExchangeStacks under their usual names, in dependency order', () => {
    const deploys = stage(pipeline.template, 'dev')
      .Actions.filter((a) => a.Name.endsWith('.Deploy'))
      .sort((a, b) => a.RunOrder - b.RunOrder);
    const order = (part: string) =>
      deploys.find((a) => a.Name === `Exchange-dev-${part}.Deploy`)?.RunOrder ?? -1;
    expect(deploys).toHaveLength(7);
    expect(order('State')).toBeLessThan(order('WebSocket'));
    expect(order('WebSocket')).toBeLessThan(order('Api'));
    expect(order('Frontend')).toBeLessThan(order('Api'));
    expect(order('WebSocket')).toBeLessThan(order('Engine'));
    expect(order('Api')).toBeLessThan(order('Operations'));
    expect(order('Engine')).toBeLessThan(order('Operations'));
    expect(order('DbProcessor')).toBeLessThan(order('Operations'));
    expect(deploys.map((a) => a.Configuration.StackName)).toEqual(
      deploys.map((a) => a.Name.replace('.Deploy', '')),
    );
  });

  it('builds its stacks with the dev configuration', () => {
    const { config, state } = pipeline.stack.dev.stacks;
    expect(config.stage).toBe('dev');
    expect(config.isProduction).toBe(false);
    expect(state.stackName).toBe('Exchange-dev-State');
  });

  it('runs the smoke test against dev’s URLs after every dev stack is deployed', () => {
    const actions = stage(pipeline.template, 'dev').Actions;
    const smoke = actions.find((a) => a.Name === 'Smoke');
    expect(smoke?.RunOrder).toBe(Math.max(...actions.map((a) => a.RunOrder)));
    expect(actions.filter((a) => a.RunOrder === smoke?.RunOrder)).toHaveLength(1);
    const variables = JSON.parse(String(smoke?.Configuration.EnvironmentVariables)) as { name: string }[];
    expect(variables.map((v) => v.name).sort()).toEqual(['API_URL', 'WS_URL']);
    expect(buildCommands(project(pipeline.template, 'Smoke'))).toContain(
      'npm run smoke -- --api "$API_URL" --ws "$WS_URL"',
    );
  });

  it('reads the smoke URLs from the Operations stack’s outputs', () => {
    const { operations } = pipeline.stack.dev.stacks;
    expect(pipeline.stack.dev.httpApiUrl.stack).toBe(operations);
    expect(pipeline.stack.dev.webSocketUrl.stack).toBe(operations);
    Template.fromStack(operations).hasOutput('HttpApiUrl', {});
  });
});

describe('prod', () => {
  it('waits for a manual approval before it deploys anything', () => {
    const actions = stage(pipeline.template, 'prod').Actions;
    const approval = actions.find((a) => a.ActionTypeId.Category === 'Approval');
    expect(approval?.Name).toBe('PromoteToProd');
    const deploys = actions.filter((a) => a.ActionTypeId.Category === 'Deploy');
    expect(deploys).toHaveLength(14); // seven stacks, each a change set then its execution
    for (const deploy of deploys) expect(deploy.RunOrder).toBeGreaterThan(approval?.RunOrder ?? Infinity);
  });

  it('builds its stacks with the prod configuration and prod’s own context', () => {
    const { config, operations } = pipeline.stack.prod.stacks;
    expect(config.stage).toBe('prod');
    expect(config.isProduction).toBe(true);
    expect(config.alarmEmail).toBe('ops@example.com');
    expect(operations.stackName).toBe('Exchange-prod-Operations');
    expect(pipeline.stack.dev.stacks.config.alarmEmail).toBeUndefined();
  });

  it('is not smoke-tested by a step of its own (the approval follows dev’s smoke test)', () => {
    expect(stage(pipeline.template, 'prod').Actions.map((a) => a.Name)).not.toContain('Smoke');
  });
});

describe('with a smoke key secret', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthesize({ ...PIPELINE_CONTEXT, pipelineSmokeKeySecretArn: SMOKE_KEY }));
  }, 120_000);

  it('trades in the smoke test with the key from the secret', () => {
    const smoke = project(template, 'Smoke');
    expect(buildCommands(smoke)).toContain('npm run smoke -- --api "$API_URL" --ws "$WS_URL" --trade');
    expect(smoke.Properties.Environment).toMatchObject({
      EnvironmentVariables: [
        { Name: 'SMOKE_API_KEY', Type: 'SECRETS_MANAGER', Value: `${SMOKE_KEY}:apiKey` },
        { Name: 'SMOKE_SECRET_KEY', Type: 'SECRETS_MANAGER', Value: `${SMOKE_KEY}:secretKey` },
      ],
    });
  });

  it('lets the smoke step read that one secret', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: `${SMOKE_KEY}*` }),
        ]),
      },
    });
  });
});

describe('its settings', () => {
  const settings = (context: Record<string, string>) => pipelineConfig(new App({ context }).node);

  it('leave the app a single stage when no repository is given', () => {
    expect(settings({})).toBeUndefined();
  });

  it('require the connection with the repository', () => {
    expect(() => settings({ pipelineRepository: 'acme/exchange' })).toThrow(/pipelineConnectionArn/);
  });

  it('refuse a repository that is not owner/name', () => {
    expect(() => settings({ ...PIPELINE_CONTEXT, pipelineRepository: 'exchange' })).toThrow(/owner\/name/);
  });

  it('refuse a value the synth command could not carry', () => {
    expect(() => settings({ ...PIPELINE_CONTEXT, 'prod:alarmEmail': 'ops@example.com; rm -rf /' })).toThrow(
      /prod:alarmEmail/,
    );
  });

  it('refuse to rename a stage', () => {
    expect(() => settings({ ...PIPELINE_CONTEXT, 'prod:stage': 'dev' })).toThrow(/prod:stage/);
  });

  it('default the branch to main', () => {
    const { pipelineBranch: _, ...withoutBranch } = PIPELINE_CONTEXT;
    expect(settings(withoutBranch)?.branch).toBe('main');
  });
});

describe('npx cdk synth with the pipeline context (offline, as the synth step runs it)', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-synth-'));
    const context = Object.entries(PIPELINE_CONTEXT).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '-o', out, ...context], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the pipeline and both stages’ seven stacks, with the engine image', () => {
    expect(existsSync(join(out, 'Exchange-Pipeline.template.json'))).toBe(true);
    for (const stageName of ['dev', 'prod']) {
      const manifest = JSON.parse(
        readFileSync(join(out, `assembly-Exchange-Pipeline-${stageName}`, 'manifest.json'), 'utf8'),
      ) as { artifacts: Record<string, { type: string; properties?: { stackName?: string } }> };
      const stacks = Object.values(manifest.artifacts)
        .filter((a) => a.type === 'aws:cloudformation:stack')
        .map((a) => a.properties?.stackName)
        .sort();
      expect(stacks).toEqual(
        ['Api', 'DbProcessor', 'Engine', 'Frontend', 'Operations', 'State', 'WebSocket'].map(
          (part) => `Exchange-${stageName}-${part}`,
        ),
      );
    }
    const dev = join(out, 'assembly-Exchange-Pipeline-dev');
    const engineAssets = readdirSync(dev).find((f) => /Engine.*\.assets\.json$/.test(f)) ?? 'none';
    const assets = JSON.parse(readFileSync(join(dev, engineAssets), 'utf8')) as {
      dockerImages: Record<string, { source: { dockerFile: string; platform: string } }>;
    };
    expect(Object.values(assets.dockerImages).map((i) => i.source)).toContainEqual(
      expect.objectContaining({ dockerFile: 'engine-service/Dockerfile', platform: 'linux/arm64' }),
    );
  });

  it("keeps every stack of both stages under 450 resources (CloudFormation's limit is 500)", () => {
    for (const stageName of ['dev', 'prod']) {
      const dir = join(out, `assembly-Exchange-Pipeline-${stageName}`);
      const counts = readdirSync(dir)
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => {
          const template = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Resources: object };
          return [f, Object.keys(template.Resources).length] as const;
        });
      expect(counts).toHaveLength(7);
      expect(counts.filter(([, count]) => count >= 450)).toEqual([]);
    }
  });
});
