/** One set of flags for the CLI and browser mode: `scaledeck serve` and `node electron/serve.ts` agree. */
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { SERVE_FLAGS, parseServeArgs, stackFlags } from './args.ts';
import { buildProgram } from './cli.ts';
import { ScaledeckError, ValidationError } from './core/errors.ts';

/** What a command line is refused with: the error's class and message, whichever parser ran. */
async function refusalOf(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CommanderError) return `usage: ${error.message}`;
    if (error instanceof ScaledeckError) return `${error.constructor.name}: ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
}

function quietProgram() {
  const program = buildProgram();
  for (const command of [program, ...program.commands])
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  return program;
}

function quietServe(argv: string[]) {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    return parseServeArgs(argv);
  } finally {
    process.stderr.write = write;
  }
}

describe('serve flags', () => {
  it('are the same set on both command lines', () => {
    const program = buildProgram();
    const serve = program.commands.find((command) => command.name() === 'serve');
    const cli = [...program.options, ...(serve?.options ?? [])].map((option) => option.long).sort();
    const expected = [...stackFlags(), ...SERVE_FLAGS].map((flag) => `--${flag.name}`).sort();
    expect(cli).toEqual(expected);
  });

  it('parse into the session target and the server options', () => {
    expect(
      quietServe(['--target', 'kubernetes', '--context', 'kind-dev', '--port', '8080', '--share']),
    ).toMatchObject({ stack: 'default', target: 'kubernetes', context: 'kind-dev', port: 8080, share: true });
    expect(quietServe([])).toMatchObject({ stack: 'default', target: 'docker', port: 0, share: false });
  });

  it.each([
    [['--target', 'nomad']],
    [['--namespace', 'demo']],
    [['--port', '70000']],
    [['--port', 'http']],
    [['--bogus']],
  ])('%j is refused the same way by both', async (argv) => {
    const direct = await refusalOf(() => quietServe(argv));
    const viaCli = await refusalOf(() => quietProgram().parseAsync(['serve', ...argv], { from: 'user' }));
    expect(viaCli).toBe(direct);
  });

  it('name the field in their errors', async () => {
    expect(await refusalOf(() => quietServe(['--namespace', 'demo']))).toBe(
      `${ValidationError.name}: namespace: --namespace only goes with --target kubernetes`,
    );
    expect(await refusalOf(() => quietServe(['--port', '-1']))).toMatch(
      /^ValidationError: port: must be 0\.\.65535/,
    );
    expect(await refusalOf(() => quietServe(['--target', 'nomad']))).toMatch(
      /Allowed choices are docker, kubernetes/,
    );
  });
});
