import { randomBytes } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { wsKeys } from '@exchange/protocol';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { type LocalCloud, startLocalCloud } from '../src/local-cloud.js';
import { createSqsClient } from '../src/sqs/index.js';

// The WebSocket handlers run in this process and keep their registry under this prefix.
const prefix = `test-${randomBytes(4).toString('hex')}:`;
process.env.REDIS_PREFIX = prefix;

describe('the local cloud', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: { sqs: 0, httpApi: 0, webSocketApi: 0 }, log: () => {} });
  });

  afterAll(async () => {
    await cloud.close();
  });

  it('serves the health route from the shared route table', async () => {
    const response = await fetch(cloud.urls.health as string);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('has created the exchange queues with their dead-letter queues', async () => {
    const client = createSqsClient({ endpoint: cloud.sqs.endpoint, region: cloud.sqs.region });

    const listed = await client.send(new ListQueuesCommand({}));
    client.destroy();

    const names = (listed.QueueUrls ?? []).map((url) => url.split('/').at(-1)).sort();
    expect(names).toEqual(['events-dlq.fifo', 'events.fifo', 'orders-dlq.fifo', 'orders.fifo']);
  });

  it('accepts WebSocket clients and delivers @connections posts to them', async () => {
    // Prepare: a client subscribes; its connection id is in the handlers' registry
    const socket = new WebSocket(cloud.urls.webSocketApi as string);
    const messages: string[] = [];
    await new Promise((resolve) => socket.once('open', resolve));
    const subscribed = new Promise<string>((resolve) =>
      socket.once('message', (data) => resolve(String(data))),
    );
    socket.send('{"method":"SUBSCRIBE","params":["trades@SOL_USDC"],"id":1}');
    expect(JSON.parse(await subscribed)).toEqual({ result: null, id: 1 });
    const redis = new Redis(cloud.urls.redis as string);
    const [connectionId = ''] = await redis.smembers(wsKeys(prefix).stream('trades@SOL_USDC'));
    redis.disconnect();
    const next = new Promise<void>((resolve) =>
      socket.once('message', (data) => {
        messages.push(String(data));
        resolve();
      }),
    );
    const management = new ApiGatewayManagementApiClient({
      endpoint: cloud.urls.connections as string,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'hello' }));
    await next;

    // Assess
    expect(messages).toEqual(['hello']);
    management.destroy();
    socket.close();
  });
});
