/**
 * One line when the exchange stops answering and one when it answers again, however
 * many requests wait on it in between: a bot's log during an outage says what happened
 * and for how long, not the same error once per request.
 */
export class ApiOutage {
  #since: number | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Whether an outage is under way. */
  get down(): boolean {
    return this.#since !== undefined;
  }

  /** A request found the API unavailable (`problem`: `HTTP 503`, `ECONNREFUSED`…). */
  failed(problem: string): void {
    if (this.#since !== undefined) return;
    this.#since = Date.now();
    this.log(`API unavailable (${problem}): backing off and retrying until it answers`);
  }

  /** A request got an answer (any answer that is not an outage). */
  answered(): void {
    if (this.#since === undefined) return;
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
    this.#since = undefined;
    this.log(`API answering again after ${seconds} s`);
  }
}
