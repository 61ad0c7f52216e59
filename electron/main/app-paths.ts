// Where the Electron app finds its own parts. Packaged, everything comes from the app itself: the
// renderer and the preload inside app.asar beside main.mjs, the User API's build context from
// process.resourcesPath (electron-builder.yml extraResources). Only a development run (main.mjs in
// the repository's dist/electron) reads the repository's service/. Pure, so both cases are tested.
import path from 'node:path';

export interface AppPaths {
  /** dist/renderer: what app://scaledeck/ serves. */
  rendererDir: string;
  preload: string;
  /** The User API's Docker build context (service/); SCALEDECK_SERVICE_DIR overrides it. */
  serviceDir: string;
}

export function resolveAppPaths(options: {
  /** The folder of the running main.mjs (dist/electron, inside app.asar when packaged). */
  mainDir: string;
  packaged: boolean;
  /** process.resourcesPath: the packaged app's resources folder (beside app.asar). */
  resourcesPath: string;
  env?: NodeJS.ProcessEnv;
}): AppPaths {
  const { mainDir, packaged, resourcesPath, env = {} } = options;
  const serviceDir =
    env.SCALEDECK_SERVICE_DIR ||
    (packaged ? path.join(resourcesPath, 'service') : path.resolve(mainDir, '../../service'));
  return {
    rendererDir: path.resolve(mainDir, '../renderer'),
    preload: path.join(mainDir, 'preload.cjs'),
    serviceDir,
  };
}
