/**
 * Where the Docker engine is, found the way the docker CLI finds it (DOCKER_HOST, then the current
 * `docker context`), and then where the common desktop engines put their socket: an app started
 * from a dock or a start menu gets no DOCKER_HOST, yet colima, OrbStack, Docker Desktop, rootless
 * Docker and Podman each serve the Docker API on a socket of their own.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export interface EngineEndpoint {
  /** unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host */
  host: string;
  /** Where the address came from, for messages: "DOCKER_HOST", "docker context colima", ... */
  source: string;
}

export interface EngineFacts {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  exists(path: string): boolean;
  readFile(path: string): string | null;
}

export function hostFacts(): EngineFacts {
  return {
    env: process.env,
    platform: process.platform,
    home: homedir(),
    exists: existsSync,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
  };
}

const dockerConfigSchema = z.object({ currentContext: z.string().optional() }).loose();
const contextMetaSchema = z
  .object({ Endpoints: z.object({ docker: z.object({ Host: z.string().min(1) }).loose() }).loose() })
  .loose();

function dockerConfigDir(facts: EngineFacts): string {
  return facts.env.DOCKER_CONFIG || join(facts.home, '.docker');
}

/** The docker CLI's current context other than "default", with its endpoint, or null. */
export function currentContext(facts: EngineFacts): EngineEndpoint | null {
  let name = facts.env.DOCKER_CONTEXT;
  if (!name) {
    const raw = facts.readFile(join(dockerConfigDir(facts), 'config.json'));
    const parsed = raw === null ? null : dockerConfigSchema.safeParse(safeJson(raw));
    name = parsed?.success ? parsed.data.currentContext : undefined;
  }
  if (!name || name === 'default') return null;
  // The CLI stores each context's metadata under the SHA-256 of its name.
  const digest = createHash('sha256').update(name).digest('hex');
  const raw = facts.readFile(join(dockerConfigDir(facts), 'contexts', 'meta', digest, 'meta.json'));
  const meta = raw === null ? null : contextMetaSchema.safeParse(safeJson(raw));
  if (!meta?.success) return null;
  return { host: meta.data.Endpoints.docker.Host, source: `docker context ${name}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Sockets of the engines people run on their laptops, in the order we try them. */
function wellKnownSockets(facts: EngineFacts): EngineEndpoint[] {
  const { home, env, platform } = facts;
  const runtime = env.XDG_RUNTIME_DIR;
  const sockets: [string, string][] =
    platform === 'darwin'
      ? [
          ['/var/run/docker.sock', 'the default socket'],
          [join(home, '.docker/run/docker.sock'), 'Docker Desktop'],
          [join(home, '.colima/default/docker.sock'), 'colima'],
          [join(home, '.orbstack/run/docker.sock'), 'OrbStack'],
          [join(home, '.rd/docker.sock'), 'Rancher Desktop'],
        ]
      : [
          ['/var/run/docker.sock', 'the default socket'],
          ...(runtime ? ([[join(runtime, 'docker.sock'), 'rootless Docker']] as [string, string][]) : []),
          [join(home, '.docker/desktop/docker.sock'), 'Docker Desktop'],
          ...(runtime ? ([[join(runtime, 'podman/podman.sock'), 'Podman']] as [string, string][]) : []),
        ];
  return sockets.map(([path, source]) => ({ host: `unix://${path}`, source }));
}

/**
 * The endpoint to use: DOCKER_HOST, else the current docker context, else the first well-known
 * socket that exists, else the platform's default (which then fails with the advice below).
 */
export function resolveEngineEndpoint(facts: EngineFacts = hostFacts()): EngineEndpoint {
  if (facts.env.DOCKER_HOST) return { host: facts.env.DOCKER_HOST, source: 'DOCKER_HOST' };
  const context = currentContext(facts);
  if (context) return context;
  if (facts.platform === 'win32') return { host: 'npipe:////./pipe/docker_engine', source: 'Docker Desktop' };
  const sockets = wellKnownSockets(facts);
  return sockets.find((socket) => facts.exists(socket.host.slice('unix://'.length))) ?? sockets[0]!;
}

/** Dockerode's options for an endpoint; DOCKER_HOST itself is left to docker-modem (TLS variables too). */
export function dockerodeOptions(endpoint: EngineEndpoint): Record<string, unknown> | undefined {
  if (endpoint.source === 'DOCKER_HOST') return undefined;
  const url = endpoint.host;
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) };
  if (url.startsWith('npipe://')) return { socketPath: url.slice('npipe://'.length).replace(/\//g, '\\') };
  const parsed = new URL(url);
  if (parsed.protocol === 'ssh:')
    return {
      protocol: 'ssh',
      host: parsed.hostname,
      port: Number(parsed.port || 22),
      username: parsed.username,
    };
  return { protocol: 'http', host: parsed.hostname, port: Number(parsed.port || 2375) };
}

/** What to do when no engine answers, for this OS, in one or two sentences. */
export function engineAdvice(
  endpoint: EngineEndpoint,
  reason: string,
  facts: EngineFacts = hostFacts(),
): string {
  if (endpoint.source === 'DOCKER_HOST')
    return `start the engine at DOCKER_HOST=${endpoint.host}, or unset DOCKER_HOST to use the default one`;
  if (endpoint.source.startsWith('docker context'))
    return `start the engine of ${endpoint.source} (\`docker context ls\`), or switch with \`docker context use default\``;
  switch (facts.platform) {
    case 'darwin':
      return 'start Docker Desktop, OrbStack or colima (`colima start`); or install one: https://docs.docker.com/desktop/setup/install/mac-install/';
    case 'win32':
      return 'start Docker Desktop (install: https://docs.docker.com/desktop/setup/install/windows-install/); Podman Desktop with its Docker API also works';
    default: {
      const socket = endpoint.host.slice('unix://'.length);
      if (/EACCES|permission denied/i.test(reason))
        return `your user may not use ${socket}: \`sudo usermod -aG docker $USER\`, then log out and in (or \`newgrp docker\`); or use rootless Docker`;
      if (facts.exists('/usr/bin/dockerd') || facts.exists('/usr/sbin/dockerd'))
        return 'start it: `sudo systemctl start docker` (rootless: `systemctl --user start docker`)';
      return 'install one: Docker Engine (Debian/Ubuntu: `sudo apt-get install docker.io`, or docker-ce from https://docs.docker.com/engine/install/), Docker Desktop, or Podman (`systemctl --user start podman.socket`)';
    }
  }
}
