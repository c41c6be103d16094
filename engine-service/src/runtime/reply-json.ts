/**
 * Each reply's JSON, built once: the journal stores it, `reply:{requestId}` carries it,
 * and the sender's account update is the same text under another head. At thousands
 * of commands a second, serialising a kilobyte three times over was a measurable part
 * of the engine's thread.
 */
import type { AccountUpdate, Reply } from '@exchange/protocol';

const built = new WeakMap<Reply, string>();

/** `JSON.stringify(reply)`, computed once per reply object. */
export function replyJson(reply: Reply): string {
  let json = built.get(reply);
  if (json === undefined) {
    json = JSON.stringify(reply);
    built.set(reply, json);
  }
  return json;
}

/**
 * The {@link AccountUpdate} of a command's sender as JSON, from its reply's: an accepted
 * reply is `{"ok":true,"requestId":…,` followed by `seq`, `time`, `orders`, `fills`,
 * `balances` and `withdrawals` — exactly the update's fields after its `type` and
 * `accountId`. A reply built in another key order is serialised afresh.
 */
export function senderUpdateJson(reply: Extract<Reply, { ok: true }>, accountId: string): string {
  const json = replyJson(reply);
  const head = `{"ok":true,"requestId":${JSON.stringify(reply.requestId)},"seq":`;
  if (json.startsWith(head)) {
    return `{"type":"ACCOUNT","accountId":${JSON.stringify(accountId)},"seq":${json.slice(head.length)}`;
  }
  const { seq, time, orders, fills, balances, withdrawals } = reply;
  const update: AccountUpdate = {
    type: 'ACCOUNT',
    accountId,
    seq,
    time,
    orders,
    fills,
    balances,
    withdrawals,
  };
  return JSON.stringify(update);
}
