/**
 * `GET /health`: answers as soon as the function runs, so a load balancer or the local
 * orchestrator can tell that the API is up. It checks no dependency on purpose: a slow
 * Redis must not take the whole API out of rotation.
 */
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';

const BODY = JSON.stringify({ status: 'ok' });

export const handler: APIGatewayProxyHandlerV2 = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: BODY,
});
