/**
 * Unit tests of the pure permission and IP allow-list rules (no network).
 */
import {
  allowListWithin,
  ipAllowed,
  isValidAllowList,
  MAX_ALLOW_LIST_ENTRIES,
  parseAllowListEntry,
} from '../../src/accounts/ip-allow-list.js';
import { defaultPermissionFor, exceeding, normalizePermissions } from '../../src/accounts/permissions.js';

describe('permissions', () => {
  it('needs read for GET and HEAD, trade for every other method', () => {
    expect(['GET', 'HEAD', 'POST', 'DELETE', 'PUT'].map(defaultPermissionFor)).toEqual([
      'read',
      'read',
      'trade',
      'trade',
      'trade',
    ]);
  });

  it('names what a request holds beyond the creator, and nothing when it holds less', () => {
    expect(exceeding(['read', 'withdraw', 'manageKeys'], ['read', 'trade', 'manageKeys'])).toEqual([
      'withdraw',
    ]);
    expect(exceeding(['read'], ['read', 'trade'])).toEqual([]);
    expect(normalizePermissions(['manageKeys', 'read', 'read'])).toEqual(['read', 'manageKeys']);
  });
});

describe('IP allow-lists', () => {
  it('parses addresses and CIDR blocks of both families, and nothing else', () => {
    expect(parseAllowListEntry('203.0.113.0/24')).toEqual({
      address: '203.0.113.0',
      prefix: 24,
      family: 'ipv4',
    });
    expect(parseAllowListEntry('2001:db8::1')).toEqual({
      address: '2001:db8::1',
      prefix: 128,
      family: 'ipv6',
    });
    for (const bad of ['', 'localhost', '1.2.3.4/33', '1.2.3.4/-1', '1.2.3.4/ 8', '::/129', '1.2.3.4/08a']) {
      expect([bad, parseAllowListEntry(bad)]).toEqual([bad, undefined]);
    }
    expect(isValidAllowList(Array.from({ length: MAX_ALLOW_LIST_ENTRIES + 1 }, () => '10.0.0.1'))).toBe(
      false,
    );
  });

  it('allows any address with an empty list, and only listed ones otherwise', () => {
    const list = ['203.0.113.0/24', '2001:db8::/32'];
    expect(ipAllowed([], '198.51.100.1')).toBe(true);
    expect(ipAllowed(list, '203.0.113.200')).toBe(true);
    expect(ipAllowed(list, '::ffff:203.0.113.9')).toBe(true);
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(list, '203.0.114.1')).toBe(false);
    expect(ipAllowed(list, 'not-an-ip')).toBe(false);
    expect(ipAllowed(list, undefined)).toBe(false);
  });

  it('lets a restricted key grant only blocks inside its own', () => {
    expect(allowListWithin(['203.0.113.8/29', '203.0.113.1'], ['203.0.113.0/24'])).toBe(true);
    expect(allowListWithin(['203.0.0.0/16'], ['203.0.113.0/24'])).toBe(false);
    expect(allowListWithin(['198.51.100.1'], ['203.0.113.0/24'])).toBe(false);
    expect(allowListWithin([], ['203.0.113.0/24'])).toBe(false);
    expect(allowListWithin(['0.0.0.0/0'], [])).toBe(true);
    expect(allowListWithin(['2001:db8::1'], ['203.0.113.0/24'])).toBe(false);
  });
});
