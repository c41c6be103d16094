/**
 * Child process of the API benchmark: the API Gateway HTTP emulator serving the real
 * route table, in the environment the parent passes (see `infra-child.ts`). Prints
 * `{"port":…}` and runs until killed.
 */
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { loadRouteTable, startHttpApi } from '@exchange/localstack';

const api = await startHttpApi({ routes: await loadRouteTable(HTTP_ROUTES), onInvocationError: () => {} });
process.stdout.write(`${JSON.stringify({ port: api.port })}\n`);
