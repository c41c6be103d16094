export { type HttpApi, type HttpApiOptions, startHttpApi } from './http-api-server.js';
export {
  DEFAULT_ROUTE,
  DEFAULT_TIMEOUT_SECONDS,
  type HttpApiHandler,
  type LambdaRoute,
  routeKeyOf,
} from './lambda-route.js';
export { loadRouteTable } from './route-table-loader.js';
