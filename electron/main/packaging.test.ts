/**
 * electron-builder.yml as electron-builder itself reads and validates it (its own config loader and
 * schema, not a second YAML parser): the fuses of the packaged binary, asar integrity, and the
 * parts the packaged app runs shipped with it (app-paths.ts resolves them from there).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
// electron-builder's programmatic API has no config reader; these are the functions its CLI uses.
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Configuration>;
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['onlyLoadAppFromAsar', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['enableCookieEncryption', true],
    ['grantFileProtocolExtraPrivileges', false],
  ] as const)('fuse %s is %s', (fuse, value) => {
    expect(config.electronFuses?.[fuse]).toBe(value);
  });

  it('packs the app into an asar (what onlyLoadAppFromAsar and the integrity check need)', () => {
    expect(config.asar).toBe(true);
  });

  it('ships what the packaged app reads: the renderer and main in the asar, service/ as a resource', () => {
    // electron-builder normalises `files` into file sets; the patterns are their filters.
    const files = (config.files as { filter?: string[] }[]).flatMap((set) => set.filter ?? []);
    expect(files).toEqual(expect.arrayContaining(['dist/renderer/**', 'dist/electron/**']));
    const resources = (config.extraResources as { from: string; to: string }[]).map((r) => [r.from, r.to]);
    expect(resources).toContainEqual(['service', 'service']);
  });
});
