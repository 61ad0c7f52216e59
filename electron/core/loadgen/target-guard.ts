import { BlockList, isIP } from 'node:net';

// Load is a weapon pointed at whatever URL it is given: by default it may only hit this machine
// or a private network (the stack's load balancer is on 127.0.0.1; a NodePort is on a node IP).
const privateRanges = new BlockList();
privateRanges.addSubnet('127.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('169.254.0.0', 16, 'ipv4');
privateRanges.addAddress('::1', 'ipv6');
privateRanges.addSubnet('fc00::', 7, 'ipv6');
privateRanges.addSubnet('fe80::', 10, 'ipv6');

export class TargetNotAllowedError extends Error {
  readonly field = 'baseUrl';
  constructor(message: string) {
    super(message);
    this.name = 'TargetNotAllowedError';
  }
}

/** True for loopback and private addresses (and `localhost`); host names are not resolved. */
export function isLocalOrPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) return privateRanges.check(host, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped?.[1]) return privateRanges.check(mapped[1], 'ipv4');
    return privateRanges.check(host, 'ipv6');
  }
  return false;
}

/** Parses the base URL and refuses public targets unless explicitly allowed. */
export function checkTarget(baseUrl: string, allowPublicTarget: boolean): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TargetNotAllowedError(`baseUrl: not a valid URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetNotAllowedError(`baseUrl: only http and https are supported, got ${url.protocol}`);
  }
  if (url.username || url.password)
    throw new TargetNotAllowedError('baseUrl: credentials in the URL are not allowed');
  if (!allowPublicTarget && !isLocalOrPrivateHost(url.hostname)) {
    throw new TargetNotAllowedError(
      `baseUrl: ${url.hostname} is not a loopback or private address; ` +
        'the load generator only targets the stack it deployed unless allowPublicTarget is set',
    );
  }
  return url;
}
