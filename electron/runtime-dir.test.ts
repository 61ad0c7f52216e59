/** The per-user runtime folder on each platform, from its own conventions. */
import { describe, expect, it } from 'vitest';
import { runtimeDir } from './runtime-dir.ts';

describe('runtimeDir', () => {
  it.each([
    {
      why: 'Linux with a login session: XDG_RUNTIME_DIR (0700, emptied at logout)',
      platform: 'linux' as const,
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      home: '/home/ada',
      dir: '/run/user/1000/scaledeck',
    },
    {
      why: 'Linux without one (a container, ssh): the XDG state folder',
      platform: 'linux' as const,
      env: {},
      home: '/home/ada',
      dir: '/home/ada/.local/state/scaledeck/run',
    },
    {
      why: 'a relative XDG path is invalid by the spec and ignored',
      platform: 'linux' as const,
      env: { XDG_RUNTIME_DIR: 'run/user', XDG_STATE_HOME: 'state' },
      home: '/home/ada',
      dir: '/home/ada/.local/state/scaledeck/run',
    },
    {
      why: 'XDG_STATE_HOME when set',
      platform: 'freebsd' as const,
      env: { XDG_STATE_HOME: '/var/ada/state' },
      home: '/home/ada',
      dir: '/var/ada/state/scaledeck/run',
    },
    {
      why: 'macOS: Application Support, the user’s own (XDG is not a macOS convention)',
      platform: 'darwin' as const,
      env: { XDG_RUNTIME_DIR: '/ignored' },
      home: '/Users/ada',
      dir: '/Users/ada/Library/Application Support/Scaledeck/run',
    },
    {
      why: 'Windows: %LOCALAPPDATA% (not Roaming: a pid is of this machine)',
      platform: 'win32' as const,
      env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
      home: 'C:\\Users\\ada',
      dir: 'C:\\Users\\ada\\AppData\\Local\\Scaledeck\\run',
    },
    {
      why: 'Windows without LOCALAPPDATA: its default under the profile',
      platform: 'win32' as const,
      env: {},
      home: 'C:\\Users\\ada',
      dir: 'C:\\Users\\ada\\AppData\\Local\\Scaledeck\\run',
    },
    {
      why: 'SCALEDECK_RUNTIME_DIR overrides every platform (tests, unusual setups)',
      platform: 'linux' as const,
      env: { SCALEDECK_RUNTIME_DIR: '/srv/sd', XDG_RUNTIME_DIR: '/run/user/1000' },
      home: '/home/ada',
      dir: '/srv/sd',
    },
  ])('$why', ({ platform, env, home, dir }) => {
    expect(runtimeDir({ platform, env, home })).toBe(dir);
  });
});
