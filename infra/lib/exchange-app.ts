/**
 * The composition of the CDK app, in deployment order:
 * state (network, Redis, PostgreSQL, queues, schema) → frontend hosting → API (REST,
 * WebSocket, UI config) → engine (+ fan-out) → DB processor → operations.
 * Every stack is environment-agnostic: account and region come from the CLI at deploy.
 */
import type { App } from 'aws-cdk-lib';
import { ApiStack } from './api-stack.js';
import { type StageConfig, stageConfig } from './config.js';
import { DbProcessorStack } from './db-processor-stack.js';
import { EngineStack } from './engine-stack.js';
import { FrontendStack } from './frontend-stack.js';
import { OperationsStack } from './operations-stack.js';
import { StateStack } from './state-stack.js';

/** The stacks of one stage. */
export interface ExchangeStacks {
  readonly config: StageConfig;
  readonly state: StateStack;
  readonly frontend: FrontendStack;
  readonly api: ApiStack;
  readonly engine: EngineStack;
  readonly dbProcessor: DbProcessorStack;
  readonly operations: OperationsStack;
}

/**
 * Adds the stage's stacks (from the app's context) to `app`.
 * @example
 * const app = new App({ context: { stage: 'prod' } });
 * const { api } = addExchangeStacks(app);
 */
export function addExchangeStacks(app: App): ExchangeStacks {
  const config = stageConfig(app.node);
  const name = (part: string) => `Exchange-${config.stage}-${part}`;
  const tags = { tags: { project: 'exchange', stage: config.stage } };
  const state = new StateStack(app, name('State'), {
    config,
    ...tags,
    description: 'Exchange: network and state',
  });
  const frontend = new FrontendStack(app, name('Frontend'), { config, ...tags, description: 'Exchange: UI' });
  const api = new ApiStack(app, name('Api'), {
    state,
    frontend,
    ...tags,
    description: 'Exchange: REST and WebSocket',
  });
  const engine = new EngineStack(app, name('Engine'), {
    state,
    api,
    ...tags,
    description: 'Exchange: matching engine',
  });
  const dbProcessor = new DbProcessorStack(app, name('DbProcessor'), {
    state,
    ...tags,
    description: 'Exchange: events to PostgreSQL',
  });
  const operations = new OperationsStack(app, name('Operations'), {
    state,
    api,
    engine,
    dbProcessor,
    frontend,
    ...tags,
    description: 'Exchange: dashboard, alarms, URLs',
  });
  return { config, state, frontend, api, engine, dbProcessor, operations };
}
