// A kubeconfig whose only context, scaledeck-gone, points at a loopback port nothing listens on:
// for tests of what happens when a cluster does not answer, without a cluster.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

/** A port that was free a moment ago: nothing listens there, so connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes `gone.yaml` into dir and returns its path. */
export async function writeUnreachableKubeconfig(dir: string): Promise<string> {
  const file = path.join(dir, 'gone.yaml');
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- { name: gone, cluster: { server: "https://127.0.0.1:${await closedPort()}", insecure-skip-tls-verify: true } }`,
      'users:',
      '- { name: gone, user: { token: not-a-token } }',
      'contexts:',
      '- { name: scaledeck-gone, context: { cluster: gone, user: gone } }',
      'current-context: scaledeck-gone',
      '',
    ].join('\n'),
  );
  return file;
}
