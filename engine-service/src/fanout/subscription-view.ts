/**
 * The fan-out's in-memory copy of the subscription registry: who gets which stream.
 * Fed from Redis (`ws:changes` notifications and periodic resyncs) so that delivering
 * a message never costs a Redis round trip.
 */

/** Streams by connection and connections by stream, kept in step. */
export class SubscriptionView {
  private readonly byStream = new Map<string, Set<string>>();
  private readonly byConnection = new Map<string, Set<string>>();

  /** Connections known. */
  get connections(): number {
    return this.byConnection.size;
  }

  /** Streams with at least one subscriber. */
  get streams(): number {
    return this.byStream.size;
  }

  /** The connections subscribed to a canonical stream (live view: do not keep it). */
  subscribers(stream: string): ReadonlySet<string> | undefined {
    return this.byStream.get(stream);
  }

  /** Every connection known. */
  connectionIds(): IterableIterator<string> {
    return this.byConnection.keys();
  }

  /** Every stream with a subscriber. */
  streamNames(): IterableIterator<string> {
    return this.byStream.keys();
  }

  /** Whether anyone is subscribed to the stream. */
  has(stream: string): boolean {
    return this.byStream.has(stream);
  }

  /** Sets a connection's streams to exactly these (none: forgets it). */
  set(connectionId: string, streams: Iterable<string>): void {
    this.drop(connectionId);
    const mine = new Set(streams);
    if (mine.size === 0) return;
    this.byConnection.set(connectionId, mine);
    for (const stream of mine) {
      let set = this.byStream.get(stream);
      if (set === undefined) {
        set = new Set();
        this.byStream.set(stream, set);
      }
      set.add(connectionId);
    }
  }

  /** Forgets a connection. */
  drop(connectionId: string): void {
    const mine = this.byConnection.get(connectionId);
    if (mine === undefined) return;
    this.byConnection.delete(connectionId);
    for (const stream of mine) {
      const set = this.byStream.get(stream);
      set?.delete(connectionId);
      if (set?.size === 0) this.byStream.delete(stream);
    }
  }

  /** Replaces everything with a full read of the registry: connection → streams. */
  replaceAll(connections: ReadonlyMap<string, Iterable<string>>): void {
    this.byStream.clear();
    this.byConnection.clear();
    for (const [id, streams] of connections) this.set(id, streams);
  }
}
