/**
 * The composition of the CDK app, in deployment order:
 * state (network, Redis, PostgreSQL, queues, schema) → frontend hosting → WebSocket API →
 * REST API (+ withdrawal settlement, UI config) → engine (+ fan-out) → DB processor →
 * operations. The APIs are two stacks: each stays well under CloudFormation's 500
 * resources a stack (a test holds every stack under 450).
 * Every stack is environment-agnostic: account and region come from the CLI at deploy.
 * The one definition of a stage: the app (`bin/app.ts`) adds it to itself, the deploy
 * pipeline (`pipeline/exchange-stage.ts`) to each of its stages.
 */
import type { Construct } from 'constructs';
import { ApiStack } from './api-stack.js';
import { type StageConfig, stageConfig } from './config.js';
import { DbProcessorStack } from './db-processor-stack.js';
import { EngineStack } from './engine-stack.js';
import { FrontendStack } from './frontend-stack.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { OperationsStack } from './operations-stack.js';
import { StateStack } from './state-stack.js';
import { WebSocketStack } from './websocket-stack.js';

/** The stacks of one stage. */
export interface ExchangeStacks {
  readonly config: StageConfig;
  readonly state: StateStack;
  readonly frontend: FrontendStack;
  readonly webSocket: WebSocketStack;
  readonly api: ApiStack;
  readonly engine: EngineStack;
  readonly dbProcessor: DbProcessorStack;
  readonly operations: OperationsStack;
}

/**
 * Adds the stage's stacks (from the context of `scope`: the app, or a pipeline's stage) to
 * `scope`. Stack names are `Exchange-<stage>-<part>` wherever the stacks are placed.
 * @example
 * const app = new App({ context: { stage: 'prod' } });
 * const { api } = addExchangeStacks(app);
 */
export function addExchangeStacks(scope: Construct): ExchangeStacks {
  const config = stageConfig(scope.node);
  const name = (part: string) => `Exchange-${config.stage}-${part}`;
  const tags = { tags: { project: 'exchange', stage: config.stage } };
  const state = new StateStack(scope, name('State'), {
    stackName: name('State'),
    config,
    ...tags,
    description: 'Exchange: network and state',
  });
  const frontend = new FrontendStack(scope, name('Frontend'), {
    stackName: name('Frontend'),
    config,
    ...tags,
    description: 'Exchange: UI',
  });
  const webSocket = new WebSocketStack(scope, name('WebSocket'), {
    stackName: name('WebSocket'),
    state,
    ...tags,
    description: 'Exchange: WebSocket streams and API',
  });
  const api = new ApiStack(scope, name('Api'), {
    stackName: name('Api'),
    state,
    frontend,
    webSocket,
    ...tags,
    description: 'Exchange: REST',
  });
  const engine = new EngineStack(scope, name('Engine'), {
    stackName: name('Engine'),
    state,
    webSocket,
    ...tags,
    description: 'Exchange: matching engine',
  });
  const dbProcessor = new DbProcessorStack(scope, name('DbProcessor'), {
    stackName: name('DbProcessor'),
    state,
    ...tags,
    description: 'Exchange: events to PostgreSQL',
  });
  const operations = new OperationsStack(scope, name('Operations'), {
    stackName: name('Operations'),
    state,
    api,
    webSocket,
    engine,
    dbProcessor,
    frontend,
    ...tags,
    description: 'Exchange: dashboard, alarms, URLs',
  });
  const stacks = { config, state, frontend, webSocket, api, engine, dbProcessor, operations };
  acknowledgeNagFindings(stacks);
  return stacks;
}
