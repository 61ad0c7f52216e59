// Builds the dashboard (renderer/) into dist/renderer. The Electron main and preload bundles are
// built from the same file with `vite build --mode electron` (see electronBuild below).
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const root = import.meta.dirname;

const rendererBuild: UserConfig = {
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(root, 'dist/renderer'),
    emptyOutDir: true,
    // recharts is the bulk of the bundle; one chunk loads faster from disk than many.
    chunkSizeWarningLimit: 1200,
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:5174' } },
};

/** Main and preload for Electron: Node targets, Electron and Node built-ins left to the runtime. */
const electronBuild: UserConfig = {
  build: {
    outDir: resolve(root, 'dist/electron'),
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    ssr: true,
    rollupOptions: {
      input: {
        main: resolve(root, 'electron/main/main.ts'),
        preload: resolve(root, 'electron/preload/preload.ts'),
      },
      external: ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
  ssr: { noExternal: true },
};

export default defineConfig(({ mode }) => (mode === 'electron' ? electronBuild : rendererBuild));
