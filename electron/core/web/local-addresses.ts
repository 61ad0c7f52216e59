/**
 * The names and addresses this machine answers to, as they appear in a Host header: lower case,
 * IPv6 in brackets without its zone. Read when asked, so a laptop that joins another network
 * (a new DHCP lease, a VPN) is recognised without a restart.
 */
import { hostname, networkInterfaces } from 'node:os';

/** The loopback names a browser on this machine uses; a Host header spells IPv6 in brackets. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `::1` -> `[::1]`, `fe80::1%eth0` -> `[fe80::1]`, `10.0.0.2` stays; lower case throughout. */
export function hostHeaderForm(address: string): string {
  const bare = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * True for names that only ever reach this machine: localhost (and *.localhost, which browsers
 * resolve to loopback themselves), 127.0.0.0/8, ::1 and their IPv4-mapped form.
 */
export function isLoopbackHost(host: string): boolean {
  const name = hostHeaderForm(host)
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const v4 = name.replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Every address of every interface, and the host name with and without `.local` (mDNS). */
export function machineNames(): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  for (const addresses of Object.values(networkInterfaces()))
    for (const { address } of addresses ?? []) names.add(hostHeaderForm(address));
  const own = hostname().toLowerCase();
  if (own !== '') {
    const short = own.replace(/\.local$/, '');
    names.add(own);
    names.add(short);
    names.add(`${short}.local`);
  }
  return names;
}
