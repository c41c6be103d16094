export type { Disconnect } from './connection.js';
export type { WebSocketEvent, WebSocketIdentity, WebSocketRequestContext } from './events.js';
export type { WebSocketHandler } from './invocation.js';
export { MAX_PAYLOAD_BYTES } from './management-api.js';
export { loadRoutes, type WebSocketRouteBinding } from './routes.js';
export { start, type WebSocketApi, type WebSocketApiOptions } from './websocket-api.js';
