/**
 * The scaledeck CLI: the core's commands from a terminal. Exit codes: 0 ok, 1 runtime
 * failure, 2 bad input or usage, 3 no container engine or cluster answers.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  SERVE_FLAGS,
  addFlags,
  serveOptionsOf,
  stackFlags,
  targetChoiceOf,
  type StackOptions,
} from './args.ts';
import { metricsInput, positiveNumber, type MetricFlags } from './cli-metrics.ts';
import { Controller } from './core/controller.ts';
import { ScaledeckError, ValidationError, toErrorData } from './core/errors.ts';
import { CLIENT_MODELS, CLIENT_MODEL_LABEL, CLIENT_MODEL_TEXT, type ClientModel } from './core/loadgen.ts';
import { loadSettings, type Settings } from './core/settings.ts';
import { createDockerClient } from './core/targets/docker/connect.ts';
import { TARGET_KINDS, descriptorOf, openTarget as openKind } from './core/targets/registry.ts';
import type { LiveTarget } from './core/targets/target.ts';
import { behaviorFromFlags, type BehaviorFlags } from './cli-behavior.ts';
import { describeEvent, printStatus, progressPrinter } from './cli-output.ts';
import { CHAOS_ACTIONS, runChaosCommand, runLoadCommand } from './cli-live.ts';
import { PLAY_EXIT, runPlay } from './cli-play.ts';
import { registerDecisionCommands } from './cli-decisions.ts';

function number(field: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      throw new InvalidArgumentError(`${field} must be a number, got "${value}"`);
    return parsed;
  };
}

const EXIT = { ok: 0, failure: 1, usage: 2, noEngine: 3 } as const;

/** Nothing answers where the stack runs: no Docker engine, or a cluster that does not answer. */
const NO_ENGINE_CODES = new Set(['ENGINE_UNAVAILABLE', 'CLUSTER_UNREACHABLE']);

type GlobalOptions = StackOptions;

function integer(field: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${field} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

/** The target the global options name, once it answers. */
async function openTarget(options: GlobalOptions, settings: Settings): Promise<LiveTarget> {
  // KUBECONFIG (several files) and --context are read the way kubectl reads them.
  const target = openKind(targetChoiceOf(options), {
    settings,
    stack: options.stack,
    docker: createDockerClient(),
  });
  await target.assertReachable();
  return target;
}

interface Attached {
  controller: Controller;
  target: LiveTarget;
}

async function openController(options: GlobalOptions): Promise<Attached> {
  // The kind's flags are checked before anything is read or reached.
  targetChoiceOf(options);
  const settings = await loadSettings(options.settings);
  const target = await openTarget(options, settings);
  return { controller: new Controller(target, { maxReplicas: settings.maxReplicas }), target };
}

async function withController<T>(
  command: Command,
  work: (controller: Controller, target: LiveTarget) => Promise<T>,
): Promise<T> {
  const { controller, target } = await openController(command.optsWithGlobals<GlobalOptions>());
  try {
    return await work(controller, target);
  } finally {
    await controller.dispose();
  }
}

export function buildProgram(): Command {
  const [first, ...others] = TARGET_KINDS.map((kind) => descriptorOf(kind));
  const program = addFlags(
    new Command('scaledeck').description(
      `Deploy, scale and autoscale the bundled User API stack on ${first?.title}` +
        others.map((other) => ` or ${other.title} (--target ${other.kind})`).join('') +
        '.',
    ),
    stackFlags(),
  )
    .showHelpAfterError()
    .exitOverride();

  program
    .command('deploy')
    .description('build the API image and start the whole stack; waits until every part is healthy')
    .option('--replicas <n>', 'API replicas', integer('replicas'), 2)
    .option('--watch', 'stay attached afterwards: reconcile and autoscale until Ctrl-C')
    .action(async (options: { replicas: number; watch?: boolean }, command: Command) => {
      await withController(command, async (controller) => {
        const status = await controller.deploy({ replicas: options.replicas }, progressPrinter());
        printStatus(status);
        if (options.watch) await watch(controller);
      });
    });

  program
    .command('scale')
    .description('set the number of API replicas (0..settings.maxReplicas); waits until they are ready')
    .argument('<replicas>', 'replica count', integer('replicas'))
    .action(async (replicas: number, _options: unknown, command: Command) => {
      await withController(command, async (controller, target) => {
        await controller.scale({ replicas });
        // Past the estimate a scheduler keeps the rest Pending; replicas sharing the CPU need no warning.
        if (descriptorOf(target.kind).capabilities.pastCapacity === 'pending') {
          const { capacity } = await controller.status();
          if (capacity !== null && replicas > capacity.replicas)
            process.stderr.write(
              `warning: about ${capacity.replicas} API replicas fit (${capacity.basis}); ` +
                `the other ${replicas - capacity.replicas} will stay Pending\n`,
            );
        }
        printStatus(await target.waitReady());
      });
    });

  program
    .command('autoscale')
    .description(
      'turn the autoscaler on (--min, --max and --cpu, --rps-per-replica and/or --p95-ms) or off (`autoscale off`)',
    )
    .argument('[off]', '"off" turns the autoscaler off')
    .option('--min <n>', 'minimum replicas', integer('minReplicas'))
    .option('--max <n>', 'maximum replicas', integer('maxReplicas'))
    .option(
      '--cpu <percent>',
      'target CPU utilization, % of each replica’s CPU limit',
      integer('targetCpuUtilizationPercent'),
    )
    .option(
      '--rps-per-replica <n>',
      'target requests per second per replica (Docker; the largest of the metrics given wins)',
      positiveNumber('--rps-per-replica'),
    )
    .option(
      '--p95-ms <ms>',
      'target p95 latency of the API in ms (Docker; latency does not always fall as replicas are added)',
      positiveNumber('--p95-ms'),
    )
    .addOption(
      new Option('--profile <profile>', 'kubernetes defaults, or demo (faster)')
        .choices(['kubernetes', 'demo'])
        .default('kubernetes'),
    )
    .option(
      '--scale-up-window <s>',
      'scale-up stabilization window, 0..3600 s (default: the profile’s)',
      integer('--scale-up-window'),
    )
    .option(
      '--scale-down-window <s>',
      'scale-down stabilization window, 0..3600 s (default: the profile’s)',
      integer('--scale-down-window'),
    )
    .option(
      '--behavior <json>',
      'HPA behavior as JSON, any part of {"scaleUp":{...},"scaleDown":{...}}; the rest from the profile',
    )
    .option('--behavior-file <path>', 'the same JSON, from a file')
    .action(
      async (
        off: string | undefined,
        options: { min?: number; max?: number; profile: string } & MetricFlags & BehaviorFlags,
        command: Command,
      ) => {
        if (off !== undefined && off !== 'off')
          throw new ValidationError('autoscale', `expected "off" or options, got "${off}"`);
        // Checked before the engine or cluster is reached: bad input fails at once.
        const behavior = off === 'off' ? undefined : await behaviorFromFlags(options);
        const targets = off === 'off' ? undefined : metricsInput(options);
        await withController(command, async (controller) => {
          if (off === 'off') {
            await controller.setAutoscaler({ enabled: false });
            console.log('autoscaler: off');
            return;
          }
          for (const [field, value] of [
            ['--min', options.min],
            ['--max', options.max],
          ] as const) {
            if (value === undefined)
              throw new ValidationError(field, 'is required to turn the autoscaler on');
          }
          const config = await controller.setAutoscaler({
            enabled: true,
            minReplicas: options.min,
            maxReplicas: options.max,
            ...targets,
            profile: options.profile,
            ...(behavior === undefined ? {} : { behavior }),
          });
          console.log(`autoscaler: on (${JSON.stringify(config)})`);
          console.log('it acts while a controller is attached: `scaledeck watch` (or the app)');
        });
      },
    );

  program
    .command('load')
    .description(
      'drive load at the stack’s load balancer (open loop at a fixed rate) with a live line and a final report',
    )
    .requiredOption('--rps <n>', 'requests per second', number('rps'))
    .requiredOption('--duration <seconds>', 'how long', number('duration'))
    .option('--mix <mix>', 'operation weights, e.g. get=80,list=10,signup=5,token=5 (left out = 0)')
    .option('--zipf <s>', 'key skew of GET /users/:id (0 = uniform)', number('zipf'))
    .option('--concurrency <n>', 'requests in flight at most', integer('concurrency'))
    .addOption(
      new Option(
        '--clients <model>',
        `who the traffic looks like to the load balancer. ${CLIENT_MODELS.map((m) => `${m}: ${CLIENT_MODEL_LABEL[m].toLowerCase()}, ${CLIENT_MODEL_TEXT[m]}`).join('. ')}`,
      )
        .choices(CLIENT_MODELS)
        .default('many'),
    )
    .option('--json', 'print the final report as JSON')
    .action(
      async (
        options: {
          rps: number;
          duration: number;
          mix?: string;
          zipf?: number;
          concurrency?: number;
          clients?: ClientModel;
          json?: boolean;
        },
        command: Command,
      ) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        targetChoiceOf(globals);
        const settings = await loadSettings(globals.settings);
        const target = await openTarget(globals, settings);
        try {
          await runLoadCommand(target, settings, options);
        } finally {
          await target.dispose();
        }
      },
    );

  program
    .command('chaos')
    .description(
      'break things on purpose: kill-replica [NAME] | kill-redis | kill-postgres | restore-redis | restore-postgres | drain-node NODE | uncordon-node NODE (Kubernetes)',
    )
    .addArgument(new Argument('<action>', 'what to do').choices(CHAOS_ACTIONS))
    .argument(
      '[name]',
      'replica name for kill-replica (default: a random one); node name for drain-node and uncordon-node',
    )
    .action(async (action: string, replica: string | undefined, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      targetChoiceOf(globals);
      const settings = await loadSettings(globals.settings);
      const target = await openTarget(globals, settings);
      try {
        console.log(await runChaosCommand(target, action, replica));
      } finally {
        await target.dispose();
      }
    });

  program
    .command('play')
    .description(
      'play a scenario headless (a built-in by name, or a YAML/JSON file): prints each step and expectation; exits 1 when one was missed',
    )
    .argument('<FILE|NAME>', 'a scenario file, or a built-in scenario’s name')
    .option('--json', 'one JSON object per line: the events, then a summary')
    .option('--deploy', 'deploy the stack first when none runs')
    .action(async (scenario: string, options: { json?: boolean; deploy?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const target = targetChoiceOf(globals);
      const settings = await loadSettings(globals.settings);
      await runPlay(scenario, options, { settings, stack: globals.stack, target });
    });

  addFlags(
    program
      .command('serve')
      .description(
        'browser mode: the dashboard and its API on http://127.0.0.1 (the same flags as electron/serve.ts)',
      ),
    SERVE_FLAGS,
  ).action(async (_options: unknown, command: Command) => {
    // Checked before the session opens: bad flags fail at once, as in `node electron/serve.ts`.
    const options = serveOptionsOf(command.optsWithGlobals());
    const { serveWith } = await import('./serve.ts');
    await serveWith(options);
  });

  program
    .command('watch')
    .description(
      'attach to the stack: reconcile dead replicas and run the autoscaler, printing events, until Ctrl-C',
    )
    .action(async (_options: unknown, command: Command) => {
      await withController(command, (controller) => watch(controller));
    });

  program
    .command('status')
    .description('the stack: parts, replicas, URLs of the load balancer and Prometheus')
    .option('--json', 'machine-readable')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withController(command, async (controller) => {
        const status = await controller.status();
        if (options.json) console.log(JSON.stringify(status, null, 2));
        else printStatus(status);
      });
    });

  program
    .command('down')
    .description(
      'remove every container and the network of the stack; the data volume stays unless --volumes',
    )
    .option('--volumes', 'also delete the PostgreSQL data volume')
    .action(async (options: { volumes?: boolean }, command: Command) => {
      await withController(command, async (controller) => {
        await controller.teardown({ deleteVolumes: options.volumes === true }, progressPrinter());
        console.log(
          `stack ${command.optsWithGlobals<GlobalOptions>().stack} removed${options.volumes ? ' with its data volume' : ' (data volume kept)'}`,
        );
      });
    });

  registerDecisionCommands(program, { attached: () => attachedController, withController });

  return program;
}

/** The controller `watch` runs in this process: `explain` and `export` read it before a running serve. */
let attachedController: Controller | null = null;

function watch(controller: Controller): Promise<void> {
  attachedController = controller;
  controller.observe((event) => {
    if (event.type !== 'progress') console.log(describeEvent(event));
  });
  controller.start();
  console.error('attached; Ctrl-C to detach (the stack keeps running)');
  return new Promise((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything else commander rejects is usage (already printed).
      return error.exitCode === 0 ||
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    const data = toErrorData(error);
    console.error(`scaledeck: ${data.message}`);
    if (error instanceof ScaledeckError && NO_ENGINE_CODES.has(error.code)) return EXIT.noEngine;
    if (error instanceof ValidationError) return EXIT.usage;
    if (error instanceof ScaledeckError && error.code === 'SETTINGS_UNREADABLE') return EXIT.usage;
    if (error instanceof ScaledeckError && error.code === 'INTERRUPTED') return PLAY_EXIT.interrupted;
    return EXIT.failure;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
  // Dockerode keeps sockets alive; the CLI is done once the command is.
  process.exit();
}
