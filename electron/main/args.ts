// The app's own options from Electron's argv (which also carries the binary, the entry script and
// Chromium switches): --settings FILE, --stack NAME, in either `--x v` or `--x=v` form.

export interface AppArgs {
  settings?: string;
  stack?: string;
}

export function parseAppArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AppArgs {
  const value = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === `--${name}`) {
        const next = argv[i + 1];
        return next !== undefined && !next.startsWith('--') ? next : undefined;
      }
      if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    }
    return undefined;
  };
  const settings = value('settings') ?? env.SCALEDECK_SETTINGS;
  const stack = value('stack') ?? env.SCALEDECK_STACK;
  return { ...(settings ? { settings } : {}), ...(stack ? { stack } : {}) };
}
