import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dockerodeOptions,
  engineAdvice,
  resolveEngineEndpoint,
  type EngineFacts,
} from './engine-endpoint.ts';

function facts(over: Partial<EngineFacts> & { files?: Record<string, string> } = {}): EngineFacts {
  const files = over.files ?? {};
  return {
    env: {},
    platform: 'linux',
    home: '/home/ada',
    exists: (path) => path in files,
    readFile: (path) => files[path] ?? null,
    ...over,
  };
}

const metaPath = (name: string) =>
  `/home/ada/.docker/contexts/meta/${createHash('sha256').update(name).digest('hex')}/meta.json`;

describe('resolveEngineEndpoint', () => {
  it('takes DOCKER_HOST over everything, as the docker CLI does', () => {
    const endpoint = resolveEngineEndpoint(
      facts({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_CONTEXT: 'colima' } }),
    );
    expect(endpoint).toEqual({ host: 'tcp://127.0.0.1:2376', source: 'DOCKER_HOST' });
    expect(dockerodeOptions(endpoint)).toBeUndefined();
  });

  it('reads the current context from config.json and its endpoint from the hashed meta folder', () => {
    const endpoint = resolveEngineEndpoint(
      facts({
        platform: 'darwin',
        files: {
          '/home/ada/.docker/config.json': JSON.stringify({ currentContext: 'colima', auths: {} }),
          [metaPath('colima')]: JSON.stringify({
            Name: 'colima',
            Endpoints: { docker: { Host: 'unix:///home/ada/.colima/default/docker.sock' } },
          }),
        },
      }),
    );
    expect(endpoint).toEqual({
      host: 'unix:///home/ada/.colima/default/docker.sock',
      source: 'docker context colima',
    });
    expect(dockerodeOptions(endpoint)).toEqual({ socketPath: '/home/ada/.colima/default/docker.sock' });
  });

  it('DOCKER_CONTEXT names the context; "default" means the default socket', () => {
    const files = {
      [metaPath('remote')]: JSON.stringify({ Endpoints: { docker: { Host: 'ssh://me@build-box' } } }),
      '/var/run/docker.sock': '',
    };
    const remote = resolveEngineEndpoint(facts({ env: { DOCKER_CONTEXT: 'remote' }, files }));
    expect(remote.source).toBe('docker context remote');
    expect(dockerodeOptions(remote)).toEqual({
      protocol: 'ssh',
      host: 'build-box',
      port: 22,
      username: 'me',
    });
    expect(resolveEngineEndpoint(facts({ env: { DOCKER_CONTEXT: 'default' }, files })).host).toBe(
      'unix:///var/run/docker.sock',
    );
  });

  it('falls back to the socket a desktop engine made when the default one is absent', () => {
    const orbstack = resolveEngineEndpoint(
      facts({ platform: 'darwin', files: { '/home/ada/.orbstack/run/docker.sock': '' } }),
    );
    expect(orbstack).toEqual({ host: 'unix:///home/ada/.orbstack/run/docker.sock', source: 'OrbStack' });
    const rootless = resolveEngineEndpoint(
      facts({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, files: { '/run/user/1000/docker.sock': '' } }),
    );
    expect(rootless.source).toBe('rootless Docker');
    const podman = resolveEngineEndpoint(
      facts({
        env: { XDG_RUNTIME_DIR: '/run/user/1000' },
        files: { '/run/user/1000/podman/podman.sock': '' },
      }),
    );
    expect(podman.source).toBe('Podman');
  });

  it('a broken config or meta file is ignored, not fatal', () => {
    const endpoint = resolveEngineEndpoint(
      facts({ files: { '/home/ada/.docker/config.json': '{not json', '/var/run/docker.sock': '' } }),
    );
    expect(endpoint.host).toBe('unix:///var/run/docker.sock');
  });

  it('Windows uses the Docker Desktop pipe', () => {
    const endpoint = resolveEngineEndpoint(facts({ platform: 'win32' }));
    expect(endpoint.host).toBe('npipe:////./pipe/docker_engine');
    expect(dockerodeOptions(endpoint)).toEqual({ socketPath: '\\\\.\\pipe\\docker_engine' });
  });
});

describe('engineAdvice', () => {
  const socket = { host: 'unix:///var/run/docker.sock', source: 'the default socket' };
  it('names the docker group when the socket refuses this user', () => {
    expect(engineAdvice(socket, 'connect EACCES /var/run/docker.sock', facts())).toMatch(
      /usermod -aG docker/,
    );
  });
  it('says to start the service when dockerd is installed, and what to install when it is not', () => {
    expect(engineAdvice(socket, 'connect ENOENT', facts({ files: { '/usr/bin/dockerd': '' } }))).toMatch(
      /systemctl start docker/,
    );
    expect(engineAdvice(socket, 'connect ENOENT', facts())).toMatch(/apt-get install docker\.io/);
  });
  it('names the desktop engines on macOS and Windows, and the variable or context that was used', () => {
    expect(engineAdvice(socket, 'ENOENT', facts({ platform: 'darwin' }))).toMatch(/colima start/);
    expect(engineAdvice(socket, 'ENOENT', facts({ platform: 'win32' }))).toMatch(/Docker Desktop/);
    expect(engineAdvice({ host: 'tcp://x:1', source: 'DOCKER_HOST' }, 'ECONNREFUSED', facts())).toMatch(
      /unset DOCKER_HOST/,
    );
    expect(engineAdvice({ host: 'unix:///s', source: 'docker context colima' }, 'ENOENT', facts())).toMatch(
      /docker context use default/,
    );
  });
});
