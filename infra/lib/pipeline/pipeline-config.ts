/**
 * The deploy pipeline's settings, read from CDK context like the stages' (`config.ts`).
 * `pipelineRepository` switches the app from "the stacks of one stage" to "the pipeline
 * that deploys dev, then prod" (`bin/app.ts`). Nothing here needs AWS credentials.
 */
import type { Node } from 'constructs';

/** The pipeline's stages, in order: `dev` is smoke-tested, `prod` waits for an approval. */
export const PIPELINE_STAGES = ['dev', 'prod'] as const;
export type PipelineStageName = (typeof PIPELINE_STAGES)[number];

/** Context keys of the pipeline itself. */
export const PIPELINE_CONTEXT_KEYS = [
  'pipelineRepository',
  'pipelineBranch',
  'pipelineConnectionArn',
  'pipelineDockerHubSecretArn',
  'pipelineSmokeKeySecretArn',
] as const;

export interface PipelineConfig {
  /** `-c pipelineRepository=owner/name`: the GitHub (or Bitbucket, GitLab) repository. */
  readonly repository: string;
  /** `-c pipelineBranch=…`; `main` when omitted. A push to it starts the pipeline. */
  readonly branch: string;
  /** `-c pipelineConnectionArn=arn:aws:codeconnections:…`: the connection to the repository's host. */
  readonly connectionArn: string;
  /**
   * `-c pipelineDockerHubSecretArn=…`: a secret with `username` and `password` for Docker Hub,
   * so the engine image's base (`node:22-bookworm-slim`) is pulled signed in, not rate-limited.
   */
  readonly dockerHubSecretArn?: string;
  /**
   * `-c pipelineSmokeKeySecretArn=…`: a secret with `apiKey` and `secretKey` of a funded `dev`
   * account; the smoke step then also trades (a post-only order, cancelled at once).
   */
  readonly smokeKeySecretArn?: string;
  /**
   * Context for one stage only: `-c prod:alarmEmail=ops@example.com` sets `alarmEmail` in
   * `prod` (keys of `config.ts`); keys without a stage prefix apply to both.
   */
  readonly stageContext: Readonly<Record<PipelineStageName, Readonly<Record<string, string>>>>;
  /**
   * Every pipeline and stage key as `-c key=value` arguments: the synth step passes them to
   * `cdk synth`, so the pipeline rebuilds itself with the settings it was first deployed with.
   */
  readonly contextArguments: readonly string[];
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

/** A value safe to write unquoted in a shell command (ARNs, repository names, e-mail addresses). */
const SHELL_SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

function argument(key: string, value: string): string {
  if (!SHELL_SAFE.test(value))
    throw new Error(`context ${key} has characters a pipeline cannot pass: ${value}`);
  return `-c ${key}=${value}`;
}

/**
 * The pipeline's settings, or undefined when the app is not the pipeline (no `pipelineRepository`).
 * @example
 * // npx cdk deploy Exchange-Pipeline -c pipelineRepository=acme/exchange -c pipelineConnectionArn=arn:…
 * const config = pipelineConfig(app.node);
 */
export function pipelineConfig(node: Node): PipelineConfig | undefined {
  const repository = text(node, 'pipelineRepository');
  if (repository === undefined) return undefined;
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new Error('pipelineRepository must be owner/name');
  const connectionArn = text(node, 'pipelineConnectionArn');
  if (connectionArn === undefined)
    throw new Error('pipelineRepository needs pipelineConnectionArn (see docs/deploy.md)');
  const settings: Record<string, string> = {};
  for (const key of PIPELINE_CONTEXT_KEYS) {
    const value = text(node, key);
    if (value !== undefined) settings[key] = value;
  }
  const all = node.getAllContext() as Record<string, unknown>;
  const stageContext = { dev: {}, prod: {} } as Record<PipelineStageName, Record<string, string>>;
  for (const [key, value] of Object.entries(all)) {
    const [stage, name] = key.split(/:(.*)/s);
    if (!PIPELINE_STAGES.includes(stage as PipelineStageName) || !name || value === undefined) continue;
    if (name === 'stage') throw new Error(`${key}: a pipeline stage's name is fixed`);
    stageContext[stage as PipelineStageName][name] = String(value);
    settings[key] = String(value);
  }
  const dockerHubSecretArn = settings.pipelineDockerHubSecretArn;
  const smokeKeySecretArn = settings.pipelineSmokeKeySecretArn;
  return {
    repository,
    branch: settings.pipelineBranch ?? 'main',
    connectionArn,
    ...(dockerHubSecretArn ? { dockerHubSecretArn } : {}),
    ...(smokeKeySecretArn ? { smokeKeySecretArn } : {}),
    stageContext,
    contextArguments: Object.entries(settings).map(([key, value]) => argument(key, value)),
  };
}
