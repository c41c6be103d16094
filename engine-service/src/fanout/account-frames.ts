/**
 * An account update as the account's private streams carry it: native (`account@X`),
 * Binance's user data events raw (`account@X@user`), wrapped as
 * `{"stream":<listenKey>,"data":…}` on a `/stream` connection (`account@X@user/combined`),
 * and as WebSocket API subscription events (`account@X@wsapi`). Pure.
 */
import {
  type AccountUpdate,
  combinedStreamName,
  type MarketRegistry,
  WS_ACCOUNT_STREAM,
} from '@exchange/protocol';
import { nativeFrame } from './payloads.js';
import type { Outgoing } from './stream-router.js';
import { subscriptionEvent, userDataEvents } from './user-data.js';

/** What {@link accountFrames} needs to know of the subscriptions. */
export interface AccountAudience {
  readonly registry: MarketRegistry;
  /** Whether a canonical stream has subscribers. */
  readonly wanted: (stream: string) => boolean;
  /** The listen key a `/stream` connection opened the account's user data stream with. */
  readonly listenKeyOf: (accountId: string) => string | undefined;
}

/** The frames of one `account@X` message (`json`: the engine's `AccountUpdate`). */
export function accountFrames(stream: string, json: string, audience: AccountAudience): Outgoing[] {
  const { wanted } = audience;
  const out: Outgoing[] = [];
  if (wanted(stream)) out.push({ stream, frame: nativeFrame(WS_ACCOUNT_STREAM, json), batchable: true });
  const user = `${stream}@user`;
  const combined = combinedStreamName(user);
  const wsapi = `${stream}@wsapi`;
  const wantUser = wanted(user);
  const listenKey = wanted(combined)
    ? audience.listenKeyOf(stream.slice(WS_ACCOUNT_STREAM.length + 1))
    : undefined;
  const wantApi = wanted(wsapi);
  if (!wantUser && listenKey === undefined && !wantApi) return out;
  for (const event of userDataEvents(JSON.parse(json) as AccountUpdate, audience.registry)) {
    if (wantUser) out.push({ stream: user, frame: event, batchable: false });
    if (listenKey !== undefined) {
      out.push({ stream: combined, frame: nativeFrame(listenKey, event), batchable: false });
    }
    if (wantApi) out.push({ stream: wsapi, frame: subscriptionEvent(event), batchable: false });
  }
  return out;
}
