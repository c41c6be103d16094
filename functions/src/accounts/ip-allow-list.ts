/**
 * Per-key IP allow-lists, as Binance offers them: a key with a list is refused (-2015)
 * from any other source address. Entries are single addresses (`203.0.113.7`,
 * `2001:db8::1`) or CIDR blocks (`203.0.113.0/24`, `2001:db8::/32`); an empty list
 * allows every address. Matching is `node:net`'s `BlockList`, which also matches an
 * IPv4 address against its IPv4-mapped IPv6 form.
 */
import { BlockList, isIP } from 'node:net';

/** At most this many entries per key (Binance's limit is 30 addresses). */
export const MAX_ALLOW_LIST_ENTRIES = 30;

/** An address or CIDR block in canonical text, with its family. */
interface Entry {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * The entry `text` stands for, or undefined when it is neither an address nor a CIDR
 * block (host bits may be set, `10.0.0.1/8` means `10.0.0.0/8`).
 */
export function parseAllowListEntry(text: string): Entry | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  if (slash === -1) return { address, prefix: bits, family };
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bits ? { address, prefix, family } : undefined;
}

/** True when every entry parses and there are at most {@link MAX_ALLOW_LIST_ENTRIES}. */
export function isValidAllowList(entries: readonly string[]): boolean {
  return (
    entries.length <= MAX_ALLOW_LIST_ENTRIES && entries.every((e) => parseAllowListEntry(e) !== undefined)
  );
}

/**
 * Whether `sourceIp` may use a key with `allowList` (empty: any address). An address
 * that does not parse never matches a non-empty list.
 *
 * @example
 * ipAllowed(['203.0.113.0/24'], '203.0.113.9'); // true
 * ipAllowed(['203.0.113.0/24'], '198.51.100.1'); // false
 */
export function ipAllowed(allowList: readonly string[], sourceIp: string | undefined): boolean {
  if (allowList.length === 0) return true;
  if (sourceIp === undefined) return false;
  const version = isIP(sourceIp);
  if (version === 0) return false;
  const list = new BlockList();
  for (const text of allowList) {
    const entry = parseAllowListEntry(text);
    if (entry !== undefined) list.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return list.check(sourceIp, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether a key restricted to `held` may create a key restricted to `requested`: every
 * requested block must lie inside one held block, so a restricted key cannot mint a
 * key usable from more addresses than itself. An unrestricted holder (`held` empty)
 * may create anything; a restricted one may not create an unrestricted key.
 *
 * @example
 * allowListWithin(['203.0.113.8/29'], ['203.0.113.0/24']); // true
 * allowListWithin([], ['203.0.113.0/24']);                 // false: any address is more
 */
export function allowListWithin(requested: readonly string[], held: readonly string[]): boolean {
  if (held.length === 0) return true;
  if (requested.length === 0) return false;
  const heldEntries = held.map(parseAllowListEntry).filter((e) => e !== undefined);
  return requested.every((text) => {
    const entry = parseAllowListEntry(text);
    if (entry === undefined) return false;
    return heldEntries.some((h) => {
      if (h.family !== entry.family || h.prefix > entry.prefix) return false;
      const block = new BlockList();
      block.addSubnet(h.address, h.prefix, h.family);
      return block.check(entry.address, entry.family);
    });
  });
}
