import Dockerode from 'dockerode';
import { EngineUnavailableError } from '../../errors.ts';

/** Connects the way the docker CLI does: DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), else the default socket. */
export function createDockerClient(): Dockerode {
  return new Dockerode();
}

function engineAddress(): string {
  return (
    process.env.DOCKER_HOST ||
    (process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock')
  );
}

/** Fails fast with a message that says how to start an engine when none answers. */
export async function assertEngine(docker: Dockerode, timeoutMs = 5000): Promise<void> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  } catch (error) {
    const address = engineAddress();
    const how = process.env.DOCKER_HOST
      ? `start the engine at DOCKER_HOST=${process.env.DOCKER_HOST} or unset DOCKER_HOST`
      : 'start one: `sudo systemctl start docker`, or run `dockerd &` as root, or start Docker Desktop';
    throw new EngineUnavailableError(
      `no Docker engine answers at ${address} (${(error as Error).message}); ${how}`,
      { cause: error },
    );
  }
}
