/**
 * Received SQS messages as the `SQSEvent` Lambda hands to a function.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** The queue the messages came from. */
export interface EventSourceQueue {
  /** `arn:aws:sqs:<region>:<account>:<name>` */
  readonly arn: string;
  readonly region: string;
}

/** The event of one batch, records in the order SQS returned them. */
export function toSqsEvent(messages: readonly Message[], queue: EventSourceQueue): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, queue)) };
}

/** One message as one record. */
export function toSqsRecord(message: Message, queue: EventSourceQueue): SQSRecord {
  const record: SQSRecord = {
    messageId: required(message.MessageId, 'MessageId'),
    receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
    body: required(message.Body, 'Body'),
    attributes: recordAttributes(message.Attributes ?? {}),
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, messageAttribute(value)]),
    ),
    md5OfBody: required(message.MD5OfBody, 'MD5OfBody'),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
  if (message.MD5OfMessageAttributes !== undefined)
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function recordAttributes(attributes: Partial<Record<string, string>>): SQSRecordAttributes {
  const result: SQSRecordAttributes = {
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
    SentTimestamp: attributes.SentTimestamp ?? '',
    SenderId: attributes.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
  };
  // Present only where SQS sets them (FIFO queues, X-Ray), as in Lambda's events.
  for (const name of [
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'AWSTraceHeader',
  ] as const) {
    const value = attributes[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function messageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: required(value.DataType, 'DataType'),
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  // Lambda's JSON event carries binary values as base64, as SQS's JSON protocol does
  // (the SDK decodes them to bytes).
  const binary: Uint8Array | string | undefined = value.BinaryValue;
  if (binary !== undefined)
    attribute.binaryValue = typeof binary === 'string' ? binary : Buffer.from(binary).toString('base64');
  return attribute;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`SQS returned a message without ${name}`);
  return value;
}
