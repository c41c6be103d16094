#!/usr/bin/env bash
# LocalStack init hook (ready stage): creates the exchange's SQS FIFO queues, the same
# ones the Docker-free local cloud creates in fauxqs. Each main queue sends a message
# to its dead-letter queue after 5 failed receives.
#
# UNTESTED HERE: no Docker engine on the machines this project is built on.
set -euo pipefail

# Dead-letter queues keep messages for the SQS maximum, 14 days, for inspection.
DLQ_RETENTION_SECONDS=1209600

# create_queue NAME ATTRIBUTES_JSON -> prints the queue URL
create_queue() {
  awslocal sqs create-queue --queue-name "$1" --attributes "$2" --query QueueUrl --output text
}

queue_arn() {
  awslocal sqs get-queue-attributes --queue-url "$1" --attribute-names QueueArn \
    --query Attributes.QueueArn --output text
}

# create_fifo_with_dlq NAME VISIBILITY_TIMEOUT_SECONDS
create_fifo_with_dlq() {
  local name=$1 visibility=$2
  local dlq_url dlq_arn redrive
  dlq_url=$(create_queue "$name-dlq.fifo" \
    "{\"FifoQueue\":\"true\",\"MessageRetentionPeriod\":\"$DLQ_RETENTION_SECONDS\"}")
  dlq_arn=$(queue_arn "$dlq_url")
  # RedrivePolicy is itself JSON, carried as a string inside the attributes JSON.
  redrive="{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":\\\"5\\\"}"
  create_queue "$name.fifo" \
    "{\"FifoQueue\":\"true\",\"VisibilityTimeout\":\"$visibility\",\"RedrivePolicy\":\"$redrive\"}"
}

# Commands from the API to the engine; the engine handles a batch well within 30 s.
create_fifo_with_dlq orders 30
# Events from the engine to the DB processor Lambda, which may wait on the database.
create_fifo_with_dlq events 60

echo "exchange queues created: orders.fifo, orders-dlq.fifo, events.fifo, events-dlq.fifo"
