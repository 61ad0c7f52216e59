import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppPaths } from './app-paths.ts';

const RESOURCES = '/opt/Scaledeck/resources';
const PACKAGED_MAIN = `${RESOURCES}/app.asar/dist/electron`;
const REPO = '/home/dev/scaledeck';

describe('resolveAppPaths', () => {
  it('packaged: everything comes from the app, nothing from a repository', () => {
    const paths = resolveAppPaths({ mainDir: PACKAGED_MAIN, packaged: true, resourcesPath: RESOURCES });
    expect(paths).toEqual({
      rendererDir: `${RESOURCES}/app.asar/dist/renderer`,
      preload: `${PACKAGED_MAIN}/preload.cjs`,
      serviceDir: `${RESOURCES}/service`,
    });
    for (const p of Object.values(paths)) expect(p.startsWith(`${RESOURCES}/`), p).toBe(true);
  });

  it('packaged: the service comes from resources even when main.mjs sits two levels under a repo-like folder', () => {
    // main.mjs under <x>/dist/electron: the development rule would give <x>/service, a repo path.
    const paths = resolveAppPaths({
      mainDir: `${REPO}/dist/electron`,
      packaged: true,
      resourcesPath: RESOURCES,
    });
    expect(paths.serviceDir).toBe(`${RESOURCES}/service`);
  });

  it('development: the repository checkout beside dist/electron', () => {
    const paths = resolveAppPaths({
      mainDir: `${REPO}/dist/electron`,
      packaged: false,
      resourcesPath: '/usr/lib/electron/resources',
    });
    expect(paths).toEqual({
      rendererDir: `${REPO}/dist/renderer`,
      preload: `${REPO}/dist/electron/preload.cjs`,
      serviceDir: path.join(REPO, 'service'),
    });
  });

  it('SCALEDECK_SERVICE_DIR overrides the service folder (an empty value does not)', () => {
    const base = { mainDir: PACKAGED_MAIN, packaged: true, resourcesPath: RESOURCES };
    expect(resolveAppPaths({ ...base, env: { SCALEDECK_SERVICE_DIR: '/srv/api' } }).serviceDir).toBe(
      '/srv/api',
    );
    expect(resolveAppPaths({ ...base, env: { SCALEDECK_SERVICE_DIR: '' } }).serviceDir).toBe(
      `${RESOURCES}/service`,
    );
  });
});
