/**
 * The deploy pipeline (CDK Pipelines on CodePipeline, self-mutating), in order:
 *
 * 1. source — a push to the branch, through a CodeConnections (CodeStar) connection;
 * 2. synth — `npm ci`, Redis and PostgreSQL, the type check, lint and every test
 *    (`.ci/run`, what CI runs), the UI's static export, then `cdk synth`;
 * 3. update the pipeline itself from that synth (self-mutation);
 * 4. assets — every Lambda bundle, and the engine's image built from
 *    `engine-service/Dockerfile` on an arm64 build host (the tasks are arm64);
 * 5. `dev` — the stacks of `addExchangeStacks`, then the smoke test (`npm run smoke`)
 *    against dev's URLs;
 * 6. `prod` — after a manual approval, the same stacks with prod's context.
 *
 * A stage's stacks deploy through CloudFormation change sets in dependency order; the engine
 * service rolls back on its own (ECS circuit breaker), and a failed stack stops the pipeline
 * before the next stage: see docs/deploy.md.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  CodeBuildStep,
  CodePipeline,
  CodePipelineSource,
  DockerCredential,
  ManualApprovalStep,
  ShellStep,
} from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { ExchangeStage } from './exchange-stage.js';
import type { PipelineConfig } from './pipeline-config.js';

/** Debian with Node 22, as `.ci/run` expects (it installs Redis, PostgreSQL, Chromium with apt). */
const BUILD_IMAGE = 'public.ecr.aws/docker/library/node:22-bookworm';

/** Where `cdk synth` writes the cloud assembly (`output` in cdk.json). */
export const CLOUD_ASSEMBLY_DIR = '.tsbuild/cdk.out';

export interface PipelineStackProps extends StackProps {
  readonly config: PipelineConfig;
}

/** The commands of the synth step: test everything, then synthesize what was tested. */
export function synthCommands(config: PipelineConfig): string[] {
  return [
    'bash .ci/run',
    'npm run build --workspace frontend',
    ['npx cdk synth --quiet', ...config.contextArguments].join(' '),
  ];
}

/** The smoke test against a deployed stage (`API_URL` and `WS_URL` come from its outputs). */
export function smokeCommands(trade: boolean): string[] {
  return [
    'npm ci --no-audit --no-fund',
    `npm run smoke -- --api "$API_URL" --ws "$WS_URL"${trade ? ' --trade' : ''}`,
  ];
}

export class PipelineStack extends Stack {
  public readonly pipeline: CodePipeline;
  public readonly dev: ExchangeStage;
  public readonly prod: ExchangeStage;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const source = CodePipelineSource.connection(config.repository, config.branch, {
      connectionArn: config.connectionArn,
    });
    const dockerHub = config.dockerHubSecretArn
      ? [
          DockerCredential.dockerHub(
            secretsmanager.Secret.fromSecretCompleteArn(this, 'docker-hub', config.dockerHubSecretArn),
          ),
        ]
      : [];
    this.pipeline = new CodePipeline(this, 'pipeline', {
      pipelineName: 'exchange',
      pipelineType: PipelineType.V2,
      selfMutation: true,
      synth: new ShellStep('Synth', {
        input: source,
        commands: synthCommands(config),
        primaryOutputDirectory: CLOUD_ASSEMBLY_DIR,
      }),
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.fromDockerRegistry(BUILD_IMAGE) },
      },
      synthCodeBuildDefaults: {
        buildEnvironment: { computeType: codebuild.ComputeType.LARGE },
        timeout: Duration.minutes(60),
      },
      // The images are arm64: build them on an arm64 host, natively.
      assetPublishingCodeBuildDefaults: {
        buildEnvironment: {
          buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
          computeType: codebuild.ComputeType.LARGE,
        },
      },
      // One publishing project for the ~50 bundles rather than one action each.
      publishAssetsInParallel: false,
      dockerCredentials: dockerHub,
    });

    this.dev = new ExchangeStage(this, 'dev', { stage: 'dev', context: config.stageContext.dev });
    this.pipeline.addStage(this.dev, { post: [smokeStep(this.dev, source, config)] });

    this.prod = new ExchangeStage(this, 'prod', { stage: 'prod', context: config.stageContext.prod });
    this.pipeline.addStage(this.prod, {
      pre: [
        new ManualApprovalStep('PromoteToProd', {
          comment: 'dev is deployed and passed the smoke test: deploy this commit to prod?',
        }),
      ],
    });
  }
}

/** `npm run smoke` against the stage, from the same source; with a key secret it also trades. */
function smokeStep(stage: ExchangeStage, source: CodePipelineSource, config: PipelineConfig): ShellStep {
  const common = {
    input: source,
    envFromCfnOutputs: { API_URL: stage.httpApiUrl, WS_URL: stage.webSocketUrl },
  };
  if (config.smokeKeySecretArn === undefined)
    return new ShellStep('Smoke', { ...common, commands: smokeCommands(false) });
  const fromSecret = (field: string) => ({
    type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER,
    value: `${config.smokeKeySecretArn}:${field}`,
  });
  return new CodeBuildStep('Smoke', {
    ...common,
    commands: smokeCommands(true),
    buildEnvironment: {
      environmentVariables: {
        SMOKE_API_KEY: fromSecret('apiKey'),
        SMOKE_SECRET_KEY: fromSecret('secretKey'),
      },
    },
  });
}
