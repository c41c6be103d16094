/**
 * Closes the live WebSocket connections of an API key: the ones it signed `$connect`
 * for, opened with its listen key, or subscribed to user data with. Called when the
 * key is revoked (or its account suspended), so that a revoked key stops receiving the
 * account's updates at once rather than when its connections end on their own.
 *
 * Each connection is closed through API Gateway's `@connections` API
 * (`DeleteConnection` at `WS_MANAGEMENT_ENDPOINT`; the function's role needs
 * `execute-api:ManageConnections`) and forgotten by the registry, so the fan-out stops
 * posting to it even when the close fails; a connection that is already gone counts as
 * closed.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { subscriptionRegistry } from './registry.js';
import { wsLogger } from './ws-event.js';

let client: ApiGatewayManagementApiClient | undefined;

function managementClient(): ApiGatewayManagementApiClient | undefined {
  const endpoint = process.env.WS_MANAGEMENT_ENDPOINT;
  if (endpoint === undefined || endpoint === '') return undefined;
  client ??= new ApiGatewayManagementApiClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint.startsWith('http://')
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return client;
}

/**
 * Closes and forgets every connection of the API keys; resolves to how many there were.
 *
 * @example
 * await accountStore().revokeKey(accountId, apiKey);
 * await dropKeyConnections([apiKey]);
 */
export async function dropKeyConnections(apiKeys: readonly string[]): Promise<number> {
  const registry = subscriptionRegistry();
  const api = managementClient();
  let dropped = 0;
  for (const apiKey of apiKeys) {
    for (const connectionId of await registry.keyConnections(apiKey)) {
      await registry.drop(connectionId);
      await api?.send(new DeleteConnectionCommand({ ConnectionId: connectionId })).catch((error: unknown) => {
        if (!(error instanceof GoneException)) {
          wsLogger().warn({ err: error, connectionId }, 'connection of a revoked key not closed');
        }
      });
      dropped++;
    }
    await registry.forgetKey(apiKey);
  }
  return dropped;
}
