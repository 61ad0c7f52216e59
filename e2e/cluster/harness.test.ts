// The harness's guards, without starting a cluster: a clear refusal without root, a busy port
// skipped for the next free one, and the binary cache keyed by every pinned version.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterDir } from './lib/cluster.ts';

const run = promisify(execFile);
const lib = path.join(clusterDir, 'lib');
const isRoot = process.getuid?.() === 0;

async function bash(script: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', `set -euo pipefail; ${script}`]);
  return stdout.trim();
}

describe('cluster harness guards', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('takes the next free port when the usual one is in use, and never hands one out twice', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as { port: number }).port;
    // Like etcd's client and peer ports: the first base is busy, the second is the next port.
    const [first, second] = (
      await bash(
        `. "${lib}/common.sh"; . "${lib}/config.sh"; pick_port A ${busy}; pick_port B ${busy + 1}; echo "$A $B"`,
      )
    )
      .split(' ')
      .map(Number) as [number, number];
    expect(first).toBeGreaterThan(busy);
    expect(second).toBeGreaterThan(busy);
    expect(second).not.toBe(first);
  });

  it('keys the binary cache by every pinned version', async () => {
    const key = await bash(`. "${lib}/common.sh"; echo "$VERSION_KEY"`);
    expect(key).toBe('k8s-v1.37.2_etcd-v3.5.21_ms-v0.8.0_coredns-v1.15.0');
  });

  it.skipIf(!isRoot)('refuses to run without root, saying why', async () => {
    // setpriv drops to nobody; the script must stop before touching anything.
    const err = await run('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'bash',
      path.join(clusterDir, 'up.sh'),
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/needs root/);
  });
});
