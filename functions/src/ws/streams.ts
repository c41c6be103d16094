/**
 * Stream names as a connection asks for them → the canonical names the registry and
 * the fan-out use (`@exchange/protocol`'s `parseStreamName`). On a connection opened at
 * Binance's `/stream` a Binance stream gets its combined name, so the fan-out wraps its
 * messages as `{"stream":…,"data":…}`.
 */
import { combinedStreamName, parseStreamName, type WsStream, type WsStreamError } from '@exchange/protocol';
import { marketRegistry } from '../markets.js';

/** Where a connection stands, for naming its streams. */
export interface StreamContext {
  /** The account of a signed `$connect` (the private `account` stream). */
  readonly accountId?: string;
  /** Opened at `/stream`. */
  readonly combined?: boolean;
}

/** The outcome of {@link canonicalStreams}. */
export type CanonicalStreams =
  | { readonly ok: true; readonly streams: string[] }
  | { readonly ok: false; readonly name: string; readonly error: WsStreamError };

/** The canonical names of the requested streams, each once, in the order asked; the first bad name refuses all. */
export function canonicalStreams(requested: readonly string[], context: StreamContext): CanonicalStreams {
  const names = new Set<string>();
  for (const name of requested) {
    const parsed = parseStreamName(name, marketRegistry(), context.accountId);
    if (!parsed.ok) return { ok: false, name, error: parsed.error };
    names.add(deliveredName(parsed.stream, context));
  }
  return { ok: true, streams: [...names] };
}

/**
 * The canonical name of a stream on a connection of this kind. Of the private streams
 * only a listen key's user data stream (`user`) is wrapped on a combined connection.
 */
export function deliveredName(stream: WsStream, context: StreamContext): string {
  const wrappable = stream.face === 'binance' && (stream.kind !== 'account' || stream.format === 'user');
  return context.combined === true && wrappable ? combinedStreamName(stream.name) : stream.name;
}
