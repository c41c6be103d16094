/**
 * The local SQS service: fauxqs on 127.0.0.1 with the exchange's queues created.
 */
import { type FifoQueueDefinition, QUEUE_DEFINITIONS } from '@exchange/protocol';
import { startFauxqsServer } from './fauxqs-server.js';
import { createQueues, type QueueUrls } from './queues.js';
import { createSqsClient } from './sqs-client.js';

/** LocalStack's port, so tools configured for LocalStack find this SQS too. */
export const DEFAULT_SQS_PORT = 4566;
export const DEFAULT_SQS_REGION = 'us-east-1';

export interface LocalSqsOptions {
  /** Port on 127.0.0.1; 0 lets the OS choose. Default {@link DEFAULT_SQS_PORT}. */
  readonly port?: number;
  /** Default {@link DEFAULT_SQS_REGION}. */
  readonly region?: string;
  /** Queues to create. Default: the exchange's, `QUEUE_DEFINITIONS`. */
  readonly queues?: readonly FifoQueueDefinition[];
}

/** A running local SQS. */
export interface LocalSqs {
  /** `http://127.0.0.1:<port>`: give it to every SQS client. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** URL of every created queue by name, dead-letter queues included. */
  readonly queueUrls: QueueUrls;
  /** Stops the server; resolves once its port is free. */
  close(): Promise<void>;
}

/**
 * Starts fauxqs and creates the queues.
 *
 * @example
 * const sqs = await startLocalSqs({ port: 0 });
 * const client = createSqsClient(sqs);
 * await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrls['orders.fifo'], … }));
 * client.destroy();
 * await sqs.close();
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const region = options.region ?? DEFAULT_SQS_REGION;
  const server = await startFauxqsServer(options.port ?? DEFAULT_SQS_PORT);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = createSqsClient({ endpoint, region });
  try {
    const queueUrls = await createQueues(client, options.queues ?? QUEUE_DEFINITIONS);
    return { endpoint, port: server.port, region, queueUrls, close: server.close };
  } catch (error) {
    await server.close();
    throw error;
  } finally {
    client.destroy();
  }
}
