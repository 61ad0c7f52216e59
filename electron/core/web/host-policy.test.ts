/**
 * The Host header parser and the loopback test behind the DNS-rebinding guard: pure functions,
 * so a table each. The guard itself is tested over real HTTP in ../web.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loopbackPolicy, parseHostHeader, refusalFor } from './host-policy.ts';
import { hostHeaderForm, isLoopbackHost } from './local-addresses.ts';

describe('parseHostHeader', () => {
  it.each([
    ['localhost', { name: 'localhost', port: null }],
    ['LocalHost:5174', { name: 'localhost', port: 5174 }],
    ['localhost.:80', { name: 'localhost', port: 80 }],
    ['127.0.0.1:0', { name: '127.0.0.1', port: 0 }],
    ['[::1]', { name: '[::1]', port: null }],
    ['[FD00::2]:8080', { name: '[fd00::2]', port: 8080 }],
    ['laptop.local', { name: 'laptop.local', port: null }],
  ])('%s -> %j', (header, parsed) => {
    expect(parseHostHeader(header)).toEqual(parsed);
  });

  it.each(['', '::1', 'a b', 'user@host', 'host:99999', 'host:', '[::1]x', 'host/path'])(
    '%j is not a Host header',
    (header) => {
      expect(parseHostHeader(header)).toBeNull();
    },
  );
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('hostHeaderForm', () => {
  it.each([
    ['fe80::1%eth0', '[fe80::1]'],
    ['::1', '[::1]'],
    ['[::1]', '[::1]'],
    ['10.0.0.2', '10.0.0.2'],
    ['Laptop', 'laptop'],
  ])('%s -> %s', (address, form) => {
    expect(hostHeaderForm(address)).toBe(form);
  });
});

describe('refusalFor on loopback', () => {
  const policy = loopbackPolicy('127.0.0.1');
  it('accepts the loopback names with the local port or none', () => {
    expect(refusalFor(policy, 'localhost:5174', 5174)).toBeNull();
    expect(refusalFor(policy, '[::1]', 5174)).toBeNull();
  });
  it('names the Host, the reason and the URL to open instead', () => {
    expect(refusalFor(policy, 'evil.example:5174', 5174)).toMatch(
      /^Host "evil\.example:5174" is not a name of this machine.*DNS rebinding.*open http:\/\/127\.0\.0\.1:5174\//,
    );
    expect(refusalFor(policy, 'localhost:80', 5174)).toMatch(
      /names port 80, but this server listens on 5174/,
    );
    expect(refusalFor(policy, undefined, 5174)).toMatch(/no Host header/);
  });
});
