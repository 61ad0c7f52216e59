/**
 * Where a running `scaledeck serve` leaves its runtime file: a per-user folder that an ordinary
 * user owns on every platform. Pure (platform, environment and home are passed in), so each
 * platform's rule is tested on any machine.
 *
 * Not env-paths (in node_modules through electron-builder, not a dependency of ours): it has no
 * runtime folder, and its `temp` on Linux is /tmp/<user>/<name>, under the shared /tmp where
 * another user can create that folder first.
 */
import { homedir } from 'node:os';
import path from 'node:path';

export interface RuntimeDirContext {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

export function runtimeDir(context: RuntimeDirContext): string {
  const { platform, env, home } = context;
  const override = env.SCALEDECK_RUNTIME_DIR;
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') {
    // Local, not Roaming: a pid means nothing on another machine the profile roams to.
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(local, 'Scaledeck', 'run');
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', 'Scaledeck', 'run');
  // XDG: the runtime folder is the user's own (0700) and emptied at logout; a relative path is
  // invalid and ignored, as the spec says. Without one (containers, ssh without a login manager)
  // the state folder is the user's too.
  const xdgRuntime = env.XDG_RUNTIME_DIR;
  if (xdgRuntime !== undefined && path.posix.isAbsolute(xdgRuntime))
    return path.posix.join(xdgRuntime, 'scaledeck');
  const xdgState = env.XDG_STATE_HOME;
  const state =
    xdgState !== undefined && path.posix.isAbsolute(xdgState)
      ? xdgState
      : path.posix.join(home, '.local', 'state');
  return path.posix.join(state, 'scaledeck', 'run');
}

/** This process's runtime folder. */
export function defaultRuntimeDir(): string {
  return runtimeDir({ platform: process.platform, env: process.env, home: homedir() });
}
