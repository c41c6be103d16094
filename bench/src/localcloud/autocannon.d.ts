/**
 * The part of autocannon 8's API the local-cloud benchmark uses; the package ships no
 * types and no `@types/autocannon` is installed.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      readonly url: string;
      readonly connections?: number;
      /** Seconds. */
      readonly duration?: number;
      readonly pipelining?: number;
    }
    interface Histogram {
      readonly average: number;
      readonly mean: number;
      readonly stddev: number;
      readonly min: number;
      readonly max: number;
      readonly total: number;
      readonly p50: number;
      readonly p90: number;
      readonly p99: number;
    }
    interface Result {
      /** Seconds actually measured. */
      readonly duration: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
      /** Completed requests per one-second sample; `total` is all of them. */
      readonly requests: Histogram;
      /** Milliseconds. */
      readonly latency: Histogram;
    }
    /** A running benchmark: awaitable for its result, and an emitter of each response. */
    interface Instance extends PromiseLike<Result> {
      on(
        event: 'response',
        listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
      ): this;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
