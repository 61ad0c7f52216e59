import type Dockerode from 'dockerode';

export interface ExecResult {
  /** Null when the engine does not report one (the exec is still running or vanished). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in a container and waits for it; stdout and stderr come back demultiplexed. */
export async function execInContainer(
  docker: Dockerode,
  container: string,
  cmd: readonly string[],
): Promise<ExecResult> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) =>
    ({ write: (chunk: Buffer) => into.push(chunk) }) as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink(out), sink(err));
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  return {
    exitCode: ExitCode ?? null,
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
  };
}
