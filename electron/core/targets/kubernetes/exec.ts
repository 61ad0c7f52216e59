/**
 * Commands in a pod's container through the API server's exec (as `kubectl exec` does). The
 * exit code comes only from the status channel: a socket that closes without a status (a
 * dropped connection, a restarted API server) means the outcome is unknown, and that is a
 * failure, never a success.
 */
import { PassThrough, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { ALTER_USER_COMMAND, assertPasswordSet } from '../kit/postgres-password.ts';
import { NAMES } from '../../../../k8s/manifests.ts';
import type { StackApi } from './stack-api.ts';

export interface ExecResult {
  stdout: string;
  /** The command's exit code; null when the exec ended without saying how the command ended. */
  exitCode: number | null;
}

/**
 * The exit code a V1Status from the status channel reports: Success is 0; a NonZeroExitCode
 * failure carries it in the ExitCode cause. Any other failure (the command could not start) has
 * no exit code: null.
 */
export function exitCodeOf(status: V1Status): number | null {
  if (status.status === 'Success') return 0;
  if (status.reason !== 'NonZeroExitCode') return null;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : null;
}

/** Runs a command in a container of a pod; resolves with its stdout and exit code (see ExecResult). */
export function execInPod(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  command: readonly string[],
): Promise<ExecResult> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const stderr = new PassThrough();
  stderr.resume();
  return new Promise<ExecResult>((resolve, reject) => {
    // The first to come settles it: every output frame precedes the status frame, and a close
    // after the status changes nothing.
    const done = (exitCode: number | null) =>
      resolve({ stdout: Buffer.concat(chunks).toString('utf8'), exitCode });
    new Exec(kc)
      .exec(namespace, pod, container, [...command], stdout, stderr, null, false, (status) =>
        done(exitCodeOf(status)),
      )
      .then((socket) => socket.on('close', () => done(null)))
      .catch(reject);
  });
}

/** Runs a command in a container of one of the stack's pods; API errors are described. */
export function execInStackPod(
  api: StackApi,
  pod: string,
  container: string,
  command: readonly string[],
): Promise<ExecResult> {
  return api.call('create', api.where(`pods/exec ${pod}`), () =>
    execInPod(api.kc, api.namespace, pod, container, command),
  );
}

/**
 * A kept volume still holds the previous password: set the new one through the pod's local
 * socket (trusted by the image); the password stays in the pod's env, off any log. An exec whose
 * exit is unknown is a failure: the password may not be set.
 */
export async function syncDatabasePassword(api: StackApi): Promise<void> {
  const result = await execInStackPod(api, `${NAMES.postgres}-0`, 'postgres', ALTER_USER_COMMAND);
  assertPasswordSet(result.exitCode);
}
