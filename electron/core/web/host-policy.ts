/**
 * Which Host headers browser mode answers. A page on evil.example can point its own name at
 * 127.0.0.1 or at this machine's LAN address (DNS rebinding) and then read the dashboard's API as
 * same-origin; its requests still carry `Host: evil.example`, so only this machine's own names and
 * addresses, on the port the request came in on, are served.
 */
import { LOOPBACK_NAMES, hostHeaderForm, machineNames } from './local-addresses.ts';

export interface HostHeader {
  /** Lower case, no trailing dot, IPv6 in brackets. */
  name: string;
  port: number | null;
}

/** `Example.com.:80` -> { name: 'example.com', port: 80 }; `[::1]` -> { name: '[::1]', port: null }. */
export function parseHostHeader(value: string): HostHeader | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (match === null) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65_535) return null;
  return { name: hostHeaderForm(match[1]!).replace(/\.$/, ''), port };
}

export interface HostPolicy {
  /** The names a Host header may carry right now. */
  names(): ReadonlySet<string>;
  /** For the refusal: which mode this is and how to reach it. */
  mode: 'loopback' | 'share';
}

/** Not shared: only the loopback names (and the address it was bound to, e.g. 127.0.0.2). */
export function loopbackPolicy(boundHost: string): HostPolicy {
  const names = new Set([...LOOPBACK_NAMES, hostHeaderForm(boundHost)]);
  return { mode: 'loopback', names: () => names };
}

/** Shared: every address and name of this machine, read per request (networks come and go). */
export function sharePolicy(boundHost: string): HostPolicy {
  const bound = hostHeaderForm(boundHost);
  return {
    mode: 'share',
    names: () => machineNames().add(bound),
  };
}

/** Null when the Host header is one of ours on the local port; otherwise why it is refused. */
export function refusalFor(policy: HostPolicy, header: string | undefined, localPort: number): string | null {
  const names = policy.names();
  const listed = [...names].filter((n) => n !== '0.0.0.0' && n !== '[::]').join(', ');
  const fix =
    policy.mode === 'loopback'
      ? `open http://127.0.0.1:${localPort}/ on this machine`
      : `open the dashboard by one of this machine's names or addresses (${listed}) on port ${localPort}`;
  if (header === undefined || header.trim() === '') return `the request has no Host header: ${fix}`;
  const host = parseHostHeader(header);
  if (host === null) return `Host "${header}" is not a host name or address: ${fix}`;
  if (!names.has(host.name) || host.name === '0.0.0.0' || host.name === '[::]')
    return (
      `Host "${header}" is not a name of this machine, so the request is refused ` +
      `(a foreign name pointed at this address is how DNS rebinding reaches local servers): ${fix}`
    );
  if (host.port !== null && host.port !== localPort)
    return `Host "${header}" names port ${host.port}, but this server listens on ${localPort}: ${fix}`;
  return null;
}
