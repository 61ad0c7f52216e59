// Builds the dashboard (renderer/) into dist/renderer (`vite build`), and the Electron main and
// preload into dist/electron (`vite build --mode main`, `vite build --mode preload`).
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/core/csp.ts';

const root = import.meta.dirname;

/**
 * Writes the CSP meta tag into the built index.html from electron/core/csp.ts, the policy Electron
 * and browser mode also send as a header, so the three cannot drift. Build only: the dev server's
 * React Refresh preamble is an inline script, which the policy (rightly) blocks.
 */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'scaledeck:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      if (/http-equiv=["']?content-security-policy/i.test(html))
        throw new Error(
          'renderer/index.html: remove its Content-Security-Policy meta tag; the build writes it from electron/core/csp.ts',
        );
      return {
        html,
        tags: [
          {
            tag: 'meta',
            attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
            injectTo: 'head-prepend',
          },
        ],
      };
    },
  };
}

const rendererBuild: UserConfig = {
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [react(), cspMetaPlugin()],
  build: {
    outDir: resolve(root, 'dist/renderer'),
    emptyOutDir: true,
    // recharts is the bulk of the bundle; one chunk loads faster from disk than many.
    chunkSizeWarningLimit: 1200,
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:5174' } },
};

const nodeBuiltins = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * Electron main (`vite build --mode main`): ESM for Electron's Node; npm dependencies stay
 * external (electron-builder ships node_modules), so native parts of dockerode load as usual.
 */
const mainBuild: UserConfig = {
  build: {
    outDir: resolve(root, 'dist/electron'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    ssr: resolve(root, 'electron/main/main.ts'),
    rollupOptions: {
      external: (id) => nodeBuiltins.includes(id) || /^[@a-z]/.test(id),
      output: { format: 'es', entryFileNames: 'main.mjs' },
    },
  },
};

/** The preload (`--mode preload`): one CommonJS file, because sandboxed preloads cannot import. */
const preloadBuild: UserConfig = {
  build: {
    outDir: resolve(root, 'dist/electron'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    ssr: resolve(root, 'electron/preload/preload.ts'),
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'preload.cjs' },
    },
  },
  ssr: { noExternal: true },
};

export default defineConfig(({ mode }) =>
  mode === 'main' ? mainBuild : mode === 'preload' ? preloadBuild : rendererBuild,
);
