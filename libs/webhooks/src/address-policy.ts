import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why an address is refused as a webhook target. */
export type RefusedAddressClass = 'metadata' | 'loopback' | 'unspecified' | 'link-local' | 'private' | 'shared (CGNAT)' | 'multicast or reserved';

function blockList(v4: string[], v6: string[], exact: string[] = []): BlockList {
  const list = new BlockList();
  for (const net of v4) list.addSubnet(net.split('/')[0], Number(net.split('/')[1]), 'ipv4');
  for (const net of v6) list.addSubnet(net.split('/')[0], Number(net.split('/')[1]), 'ipv6');
  for (const address of exact) list.addAddress(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

/** Checked in this order: the metadata services are also link-local or private, and are named as what they are. */
const CLASSES: [RefusedAddressClass, BlockList][] = [
  ['metadata', blockList([], [], ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'])],
  ['loopback', blockList(['127.0.0.0/8'], ['::1/128'])],
  ['unspecified', blockList(['0.0.0.0/8'], ['::/128'])],
  ['link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  ['private', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ['fc00::/7'])],
  ['shared (CGNAT)', blockList(['100.64.0.0/10'], [])],
  ['multicast or reserved', blockList(['224.0.0.0/4', '240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15'], ['ff00::/8', '2001:db8::/32'])],
];

/** The IPv4 address an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) IPv6 address stands for. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const high = groups.slice(0, 5).every((g) => g === 0);
  if (!high || (groups[5] !== 0xffff && groups[5] !== 0) || (groups[5] === 0 && groups[6] === 0)) return null;
  return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (missing < 0 || (tail === null && missing !== 0)) return null;
  return [...headGroups, ...Array(missing).fill('0'), ...tailGroups].map((g) => parseInt(g, 16));
}

/** The class of address `address` (an IP literal) belongs to when it is refused, else null. */
export function refusedAddressClass(address: string): RefusedAddressClass | null {
  const family = isIP(address);
  if (family === 0) return null;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return refusedAddressClass(v4);
  }
  for (const [name, list] of CLASSES) if (list.check(address, family === 6 ? 'ipv6' : 'ipv4')) return name;
  return null;
}

export class RefusedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: RefusedAddressClass,
  ) {
    const what = `${/^[aeiou]/.test(addressClass) ? 'an' : 'a'} ${addressClass} address`;
    super(
      host === address
        ? `${address} is ${what}; webhooks may not target it (JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS)`
        : `${host} resolves to ${address}, ${what}; webhooks may not target it (JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS)`,
    );
    this.name = 'RefusedAddressError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` (a name or an IP literal) and checks every address it has: one refused address refuses the host,
 * so a name cannot smuggle a private address among public ones. Returns the address to connect to.
 */
export async function resolveAllowedAddress(host: string, allowPrivateNetworks: boolean): Promise<ResolvedAddress> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const literal = isIP(bare);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: bare, family: literal as 4 | 6 }]
    : (await lookup(bare, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  if (addresses.length === 0) throw new Error(`${host} does not resolve`);
  if (!allowPrivateNetworks) {
    for (const { address } of addresses) {
      const refused = refusedAddressClass(address);
      if (refused) throw new RefusedAddressError(bare, address, refused);
    }
  }
  return addresses[0];
}
