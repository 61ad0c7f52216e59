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
  // The timeout aborts the ping itself, so a hung engine socket is closed, not left open.
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), {
      once: true,
    }),
  );
  // dockerode's ping takes an abortSignal; its types do not say so.
  const ping = docker.ping.bind(docker) as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
  try {
    await Promise.race([ping({ abortSignal: signal }), timedOut]);
  } catch (error) {
    const reason = (error as Error).message;
    throw new EngineUnavailableError(
      `no Docker engine answers at ${endpoint.host} (${endpoint.source}: ${reason}); ${engineAdvice(endpoint, reason)}`,
      { cause: error },
    );
  }
}
