import { isIPv4, isIPv6 } from 'node:net';

/**
 * The bucket an unauthenticated request is counted in: its IPv4 address, or its IPv6 /64 (one host can hold a whole
 * /64, so counting single IPv6 addresses would let one client rotate through them).
 */
export function clientBucket(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const address = ip.split('%')[0];
  const [head, tail] = address.split('::');
  const parts = (text: string | undefined) => (text ? text.split(':').flatMap(embeddedIPv4) : []);
  const left = parts(head);
  const right = parts(tail);
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => parseInt(group, 16).toString(16));
}

/** `::1.2.3.4` style suffixes are two groups. */
function embeddedIPv4(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a, b, c, d] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
