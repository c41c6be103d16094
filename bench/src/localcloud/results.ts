/**
 * The record of a local-cloud run in `bench/results/`: `localcloud-<date>.json` with
 * every number, and the `localcloud` section of the README.
 */
import { writeFileSync } from 'node:fs';
import type { Metric } from '../engine/report.js';
import type { Machine } from '../machine.js';
import { writeReadmeSection } from '../results-readme.js';
import { type Verdict, verdictsOf } from '../targets.js';
import type { HttpResult } from './http.js';

export const TARGETS = { 'http.ratio': { atLeast: 0.7 } } as const;

export interface LocalCloudRecord {
  readonly bench: 'localcloud';
  readonly date: string;
  readonly machine: Machine;
  readonly metrics: Record<string, Metric>;
  readonly http: HttpResult;
  readonly sqs: { readonly msgsPerS: number; readonly messages: number; readonly seconds: number };
}

/** Each target with the measured value and whether it is met. */
export function verdicts(m: Record<string, Metric>): Verdict[] {
  return verdictsOf(m, TARGETS);
}

/** Writes the JSON record and the README section; returns the JSON file's path. */
export function writeResults(dir: URL, record: LocalCloudRecord): string {
  const file = new URL(`localcloud-${record.date.replace(/:/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeReadmeSection(dir, 'localcloud', section(record));
  return file.pathname;
}

function section(record: LocalCloudRecord): string {
  const m = record.machine;
  const o = record.http.options;
  const targets = new Map(verdicts(record.metrics).map((v) => [v.key, v]));
  const row = ([key, metric]: [string, Metric]): string => {
    const v = targets.get(key);
    const met = v === undefined ? '' : v.met ? 'yes' : '**no**';
    return `| \`${key}\` | ${metric.value.toLocaleString('en-US')} ${metric.unit} | ${v?.target ?? ''} | ${met} |`;
  };
  return [
    `## Local cloud — ${record.date}`,
    '',
    '`npm run bench:localcloud`; every run is recorded.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; Node ${m.node}.`,
    `Load average (1 min) ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end.`,
    '',
    '| metric | value | target | met |',
    '|---|---:|---|---|',
    ...Object.entries(record.metrics).map(row),
    '',
    `HTTP: \`GET /health\` (the real handler through the API Gateway emulator) against a bare`,
    `node:http server sending the same body; autocannon, ${o.connections} keep-alive connections to`,
    `127.0.0.1, ${o.warmupSeconds} s warm-up then ${o.seconds} s measured per target, ${o.rounds} rounds alternating`,
    'the order; each server in its own process. p99 is the worst round, ranked over every',
    'response time autocannon reports (its own histogram has whole-millisecond resolution).',
    `SQS: ${record.sqs.messages.toLocaleString('en-US')} messages in batches of ten through fauxqs.`,
    '',
  ].join('\n');
}
