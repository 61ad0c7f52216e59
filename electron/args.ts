/**
 * The flags of the CLI and browser mode, defined once: the stack and settings, --target with each
 * target kind's own flags (from the registry), and serve's --port/--host/--share. `scaledeck ...`,
 * `scaledeck serve` and `node electron/serve.ts` build their commander options from these, so
 * they accept the same flags with the same errors.
 */
import { Command, CommanderError, Option } from 'commander';
import { ValidationError } from './core/errors.ts';
import {
  DEFAULT_TARGET,
  TARGET_KINDS,
  choiceFromFlags,
  targetFlags,
  type TargetKind,
} from './core/targets/registry.ts';
import type { TargetChoice } from './core/targets/target.ts';

/** One `--name [<value>]` flag; without a value it is a switch. */
export interface FlagSpec {
  name: string;
  value?: string;
  description: string;
  default?: string;
  env?: string;
  choices?: readonly string[];
  /** Accepted but left out of --help (kept for callers that pass it). */
  hidden?: boolean;
}

/** Where the stack is: every command of the CLI and browser mode takes these. */
export function stackFlags(): FlagSpec[] {
  return [
    { name: 'stack', value: '<name>', description: 'which stack', default: 'default' },
    {
      name: 'target',
      value: '<target>',
      description: 'where the stack runs',
      choices: TARGET_KINDS,
      default: DEFAULT_TARGET,
    },
    ...targetFlags().map(({ kind, flag }) => ({
      name: flag.name,
      value: flag.value,
      description: `${flag.description} (--target ${kind})`,
    })),
    {
      name: 'settings',
      value: '<file>',
      description: 'settings JSON (image overrides, maxReplicas, ...)',
      env: 'SCALEDECK_SETTINGS',
    },
  ];
}

/** Browser mode's own flags. */
export const SERVE_FLAGS: readonly FlagSpec[] = [
  { name: 'port', value: '<n>', description: 'port (0 = any free one)', default: '0' },
  {
    name: 'host',
    value: '<host>',
    description: 'interface to bind (default 127.0.0.1; 0.0.0.0 with --share)',
  },
  { name: 'share', description: 'read-only on the LAN; commands need the token printed once here' },
  // `npm start -- --browser` hands its flags on; browser mode is what it asked for.
  { name: 'browser', description: 'browser mode (this is it)', hidden: true },
];

export function toOption(spec: FlagSpec): Option {
  const option = new Option(
    `--${spec.name}${spec.value === undefined ? '' : ` ${spec.value}`}`,
    spec.description,
  );
  if (spec.choices !== undefined) option.choices(spec.choices);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.env !== undefined) option.env(spec.env);
  if (spec.hidden) option.hideHelp();
  return option;
}

export function addFlags(command: Command, specs: readonly FlagSpec[]): Command {
  for (const spec of specs) command.addOption(toOption(spec));
  return command;
}

/** The parsed stack flags (commander's camel-cased names equal the flag names here). */
export interface StackOptions {
  stack: string;
  target: TargetKind;
  settings?: string;
  [targetFlag: string]: string | number | boolean | undefined;
}

/** The target the stack flags name; a kind's flags only go with its --target (errors name the flag). */
export function targetChoiceOf(options: Readonly<Record<string, unknown>>): TargetChoice {
  const values: Record<string, string | undefined> = {};
  for (const name of ['target', ...targetFlags().map(({ flag }) => flag.name)]) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string')
      throw new ValidationError(name, `--${name} takes a value`);
    values[name] = value;
  }
  return choiceFromFlags(values);
}

export interface ServeOptions extends StackOptions {
  port: number;
  host?: string;
  share: boolean;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535)
    throw new ValidationError('port', `must be 0..65535 (0 = any free port), got "${raw}"`);
  return port;
}

/** serve's flags as commander parsed them (either command line), checked. */
export function serveOptionsOf(options: Readonly<Record<string, unknown>>): ServeOptions {
  targetChoiceOf(options);
  const host = options.host as string | undefined;
  return {
    ...(options as StackOptions),
    port: parsePort(String(options.port ?? '0')),
    ...(host === undefined ? {} : { host }),
    share: options.share === true,
  };
}

/**
 * `node electron/serve.ts [flags]`: the same flags as `scaledeck serve`, through the same
 * definitions; usage errors are thrown (exit 2), --help prints and resolves null.
 */
export function parseServeArgs(argv: readonly string[]): ServeOptions | null {
  const command = new Command('scaledeck serve')
    .description('browser mode: the dashboard and its API on http://127.0.0.1')
    .showHelpAfterError()
    .exitOverride()
    .allowExcessArguments(false);
  addFlags(command, [...stackFlags(), ...SERVE_FLAGS]);
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && (error.exitCode === 0 || error.code === 'commander.helpDisplayed'))
      return null;
    throw error;
  }
  return serveOptionsOf(command.opts());
}
