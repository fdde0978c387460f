import { refusedAddressClass, resolveAllowedAddress, RefusedAddressError } from './address-policy';

describe('refusedAddressClass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['100.64.1.1', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast or reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:100.64.0.1', 'shared (CGNAT)'],
  ])('%s is refused as %s', (address, expected) => {
    expect(refusedAddressClass(address)).toBe(expected);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1'])('%s is a public address', (address) => {
    expect(refusedAddressClass(address)).toBeNull();
  });
});

describe('resolveAllowedAddress', () => {
  it('refuses a name that resolves to loopback, naming the address and its class', async () => {
    const refusal = resolveAllowedAddress('localhost', false);
    await expect(refusal).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(refusal).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  it('refuses a bracketed IPv6 literal', async () => {
    await expect(resolveAllowedAddress('[::ffff:127.0.0.1]', false)).rejects.toThrow('::ffff:127.0.0.1 is a loopback address');
  });

  it('allows private addresses when the setting says so, and returns the address to connect to', async () => {
    await expect(resolveAllowedAddress('127.0.0.1', true)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });
});
