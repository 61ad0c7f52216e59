import Dockerode from 'dockerode';
import { EngineUnavailableError } from '../../errors.ts';
import {
  dockerodeOptions,
  engineAdvice,
  resolveEngineEndpoint,
  type EngineEndpoint,
} from './engine-endpoint.ts';

/** Connects the way the docker CLI does (DOCKER_HOST, the current context), then to a desktop engine's socket. */
export function createDockerClient(endpoint: EngineEndpoint = resolveEngineEndpoint()): Dockerode {
  const options = dockerodeOptions(endpoint);
  return options === undefined ? new Dockerode() : new Dockerode(options);
}

/** Fails fast with a message that says, for this OS, how to start an engine when none answers. */
export async function assertEngine(
  docker: Dockerode,
  timeoutMs = 5000,
  endpoint: EngineEndpoint = resolveEngineEndpoint(),
): Promise<void> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  } catch (error) {
    const reason = (error as Error).message;
    throw new EngineUnavailableError(
      `no Docker engine answers at ${endpoint.host} (${endpoint.source}: ${reason}); ${engineAdvice(endpoint, reason)}`,
      { cause: error },
    );
  }
}
