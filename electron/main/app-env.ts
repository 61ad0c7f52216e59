// main.ts imports this module FIRST, before anything from electron/core. ES modules run their
// imports' bodies in order before their own, and the core reads SCALEDECK_SERVICE_DIR when its
// module loads (targets/kit/images.ts); set later, in main.ts's body, the packaged app would look
// for the User API four folders above its asar instead of in its resources.
import { app } from 'electron';
import { resolveAppPaths } from './app-paths.ts';

export const appPaths = resolveAppPaths({
  mainDir: import.meta.dirname,
  packaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  env: process.env,
});
process.env.SCALEDECK_SERVICE_DIR = appPaths.serviceDir;
