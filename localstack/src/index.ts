export * from './event-source/index.js';
export {
  COMPONENTS,
  type ComponentName,
  EXCHANGE_PORTS,
  type ExchangeOptions,
  type ExchangeStatus,
  type RunningExchange,
  startExchange,
} from './exchange/exchange.js';
export type { ComponentState, ComponentStatus } from './exchange/supervisor.js';
export * from './http-api/index.js';
export { LambdaContext, LOCAL_ACCOUNT_ID, LOCAL_REGION } from './lambda/lambda-context.js';
export * from './local-cloud.js';
export * from './sqs/index.js';
export {
  type Disconnect,
  loadRoutes as loadWebSocketRoutes,
  MAX_PAYLOAD_BYTES,
  start as startWebSocketApi,
  type WebSocketApi,
  type WebSocketApiOptions,
  type WebSocketEvent,
  type WebSocketHandler,
  type WebSocketIdentity,
  type WebSocketRequestContext,
  type WebSocketRouteBinding,
} from './websocket-api/index.js';
