// npm run bench:docker — how fast the Docker target adds replicas, against plain `docker run`.
//
// In one run, on the offline images (npm run images:offline) unless --settings says otherwise:
//   1. deploy a fresh stack with one replica, timed from deploy() to every part healthy (warm
//      images: the offline images and the API image are built before the clock starts);
//   2. per round: the baseline, `docker run` of the API image with exactly a replica's
//      configuration (network, env, CPU limit, healthcheck) until Docker reports it healthy;
//      then Scaledeck's scale 1 -> 5 until all five are healthy AND each one has answered a
//      request through the load balancer (its X-Replica seen); then back to 1.
// Prints every figure, the medians and the ratio scale/baseline (goal <= 2x). The stack and the
// baseline containers are removed at the end, also on failure or Ctrl-C.
//
// Options: --rounds N (default 3), --settings FILE, --json (one JSON document on stdout).
// SCALEDECK_BENCH_API_IMAGE=ref uses a prebuilt API image instead of building service/.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { Controller } from '../../electron/core/controller.ts';
import type { StackStatus } from '../../electron/core/contract.ts';
import { loadSettings, resolveImages, type Settings } from '../../electron/core/settings.ts';
import { DockerTarget } from '../../electron/core/targets/docker/docker-target.ts';
import { assertEngine, createDockerClient } from '../../electron/core/targets/docker/connect.ts';
import { buildApiImage } from '../../electron/core/targets/kit/images.ts';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SCALE_FROM = 1;
const SCALE_TO = 5;
/** Every step is bounded: a stack that never converges fails the run instead of hanging it. */
const STEP_TIMEOUT_MS = 180_000;
const POLL_MS = 100;

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    settings: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
  console.error('--rounds: must be a whole number from 1 to 20');
  process.exit(2);
}

/** Progress on stderr; stdout carries only the results. */
function log(message: string): void {
  process.stderr.write(`[bench:docker] ${message}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Quotes one argument for /bin/sh (the Docker CLI runs --health-cmd through a shell). */
function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The baseline: the same container a replica is (image, env, network, CPU limit, healthcheck),
 * started with the plain Docker CLI, timed until the engine reports it healthy. Secrets travel
 * in an env file readable by this user only, deleted as soon as the container is created.
 */
async function dockerRunToHealthy(
  docker: Dockerode,
  replicaId: string,
  name: string,
): Promise<{ ms: number; startup: Startup }> {
  const replica = await docker.getContainer(replicaId).inspect();
  const network = Object.keys(replica.NetworkSettings.Networks)[0];
  const health = replica.Config.Healthcheck;
  if (!network || !health?.Test || health.Test[0] !== 'CMD')
    throw new Error(`replica ${replica.Name} has no network or no exec-form healthcheck to copy`);
  const env = (replica.Config.Env ?? []).map((entry) =>
    entry.startsWith('REPLICA_ID=') ? `REPLICA_ID=${name}` : entry,
  );
  const ns = (value: number | undefined) => `${Math.round((value ?? 0) / 1e6)}ms`;
  const dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-bench-'));
  const envFile = path.join(dir, 'env');
  await writeFile(envFile, `${env.join('\n')}\n`, { mode: 0o600 });
  const cliArgs = [
    'run',
    '--detach',
    '--name',
    name,
    '--label',
    'scaledeck.bench=docker',
    '--network',
    network,
    '--env-file',
    envFile,
    '--cpus',
    String((replica.HostConfig.NanoCpus ?? 0) / 1e9 || 0.5),
    '--health-cmd',
    health.Test.slice(1).map(shellQuote).join(' '),
    '--health-interval',
    ns(health.Interval),
    '--health-timeout',
    ns(health.Timeout),
    '--health-retries',
    String(health.Retries ?? 3),
    '--health-start-period',
    ns(health.StartPeriod),
    replica.Config.Image,
  ];
  const requestedAt = Date.now();
  const started = performance.now();
  try {
    await run('docker', cliArgs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const container = docker.getContainer(name);
  for (;;) {
    const info = await container.inspect();
    if (info.State.Health?.Status === 'healthy') {
      const ms = performance.now() - started;
      return { ms, startup: await startupOf(docker, name, requestedAt) };
    }
    if (!info.State.Running) throw new Error(`baseline container ${name} exited (${info.State.ExitCode})`);
    if (performance.now() - started > STEP_TIMEOUT_MS)
      throw new Error(`baseline ${name} not healthy in time`);
    await sleep(POLL_MS);
  }
}

/** Where a container's time to healthy went, from the engine's own timestamps. */
interface Startup {
  /** From the request (docker run / scale) to the process started. */
  startedAfterMs: number;
  /** From the process started to the end of its first passing healthcheck. */
  healthyAfterStartMs: number;
  failedChecks: number;
}

async function startupOf(docker: Dockerode, id: string, requestedAt: number): Promise<Startup> {
  const info = await docker.getContainer(id).inspect();
  const startedAt = Date.parse(info.State.StartedAt);
  // The engine keeps the last 5 checks: enough here, since this runs right after it turned healthy.
  const checks = info.State.Health?.Log ?? [];
  const firstPass = checks.findIndex((check) => check.ExitCode === 0);
  return {
    startedAfterMs: startedAt - requestedAt,
    healthyAfterStartMs: firstPass < 0 ? Number.NaN : Date.parse(checks[firstPass]!.End) - startedAt,
    failedChecks: firstPass,
  };
}

/** The slowest container of a set decides when the set is ready. */
function slowest(startups: Startup[]): Startup {
  return {
    startedAfterMs: Math.max(...startups.map((s) => s.startedAfterMs)),
    healthyAfterStartMs: Math.max(...startups.map((s) => s.healthyAfterStartMs)),
    failedChecks: Math.max(...startups.map((s) => s.failedChecks)),
  };
}

/** Requests through the load balancer; records which replica answered, and why others failed. */
async function probeLoadBalancer(
  lb: string,
  seen: Set<string>,
  failures: Map<string, number>,
  count: number,
): Promise<void> {
  const fail = (reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await fetch(`${lb}/healthz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        const replica = response.headers.get('x-replica');
        if (response.ok && replica) seen.add(replica);
        else fail(`HTTP ${response.status}${replica ? '' : ' without X-Replica'}`);
      } catch (error) {
        fail((error as Error).name === 'TimeoutError' ? 'no answer in 2 s' : (error as Error).message);
      }
    }),
  );
}

interface ScaleResult {
  allHealthyMs: number;
  allServingMs: number;
  doneMs: number;
  /** Requests through the LB during the scale that did not succeed, by reason. */
  lbFailures: Record<string, number>;
  lbRequests: number;
  /** When controller.scale() returned: every new replica created and started. */
  scaleCallMs: number;
  startup: Startup;
}

/** Scale to SCALE_TO, timed until every replica is healthy and has answered through the LB. */
async function scaleUpUntilServing(
  docker: Dockerode,
  controller: Controller,
  lb: string,
  existing: string[],
): Promise<ScaleResult> {
  const seen = new Set<string>();
  let allHealthyMs = -1;
  let allServingMs = -1;
  const failures = new Map<string, number>();
  let lbRequests = 0;
  const requestedAt = Date.now();
  const started = performance.now();
  await controller.scale({ replicas: SCALE_TO });
  const scaleCallMs = performance.now() - started;
  for (;;) {
    const [status] = await Promise.all([
      controller.status(),
      probeLoadBalancer(lb, seen, failures, 2 * SCALE_TO),
    ]);
    lbRequests += 2 * SCALE_TO;
    const now = performance.now() - started;
    const live = status.replicas.filter((replica) => replica.state !== 'draining');
    const ready = live.filter((replica) => replica.state === 'ready');
    if (allHealthyMs < 0 && ready.length === SCALE_TO && live.length === SCALE_TO) allHealthyMs = now;
    if (allServingMs < 0 && live.length === SCALE_TO && live.every((replica) => seen.has(replica.name)))
      allServingMs = now;
    if (allHealthyMs >= 0 && allServingMs >= 0) {
      const added = live.filter((replica) => !existing.includes(replica.id));
      const startup = slowest(
        await Promise.all(added.map((replica) => startupOf(docker, replica.id, requestedAt))),
      );
      const doneMs = Math.max(allHealthyMs, allServingMs);
      const lbFailures = Object.fromEntries(failures);
      return { allHealthyMs, allServingMs, doneMs, lbFailures, lbRequests, scaleCallMs, startup };
    }
    if (now > STEP_TIMEOUT_MS)
      throw new Error(`scale to ${SCALE_TO}: not converged (${JSON.stringify(status)})`);
    await sleep(POLL_MS);
  }
}

async function waitForReplicas(controller: Controller, count: number): Promise<StackStatus> {
  const started = performance.now();
  for (;;) {
    const status = await controller.status();
    if (status.replicas.length === count && status.readyReplicas === count) return status;
    if (performance.now() - started > STEP_TIMEOUT_MS)
      throw new Error(`stack did not settle at ${count} replica(s)`);
    await sleep(POLL_MS * 2);
  }
}

async function removeBaselines(docker: Dockerode): Promise<void> {
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: ['scaledeck.bench=docker'] },
  });
  await Promise.all(
    leftovers.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}

async function main(): Promise<void> {
  const docker = createDockerClient();
  await assertEngine(docker);
  const settingsFile = args.settings ?? process.env.SCALEDECK_SETTINGS ?? (await offlineSettingsFile());
  let settings: Settings = await loadSettings(settingsFile);
  // Scale-downs between rounds wait for drains; an idle replica exits at once, so keep it short.
  settings = { ...settings, drainSeconds: Math.min(settings.drainSeconds, 5) };

  // Warm images: the clock must not include building the API image.
  const images = resolveImages(settings);
  let apiImage = process.env.SCALEDECK_BENCH_API_IMAGE ?? images.api;
  if (apiImage === undefined) {
    log(`building the API image from service/ on ${images.nodeBase} (cached after the first run)`);
    apiImage = await buildApiImage(docker, { nodeBase: images.nodeBase });
  }
  settings = { ...settings, images: { ...settings.images, api: apiImage } };

  const stack = `bench-${randomBytes(3).toString('hex')}`;
  const target = new DockerTarget(docker, settings, { stack });
  const controller = new Controller(target, { maxReplicas: settings.maxReplicas });
  let interrupted = false;
  const cleanup = async () => {
    await controller.dispose().catch(() => {});
    await removeBaselines(docker);
    await new DockerTarget(docker, settings, { stack }).teardown({ deleteVolumes: true }).catch((error) => {
      log(
        `teardown of stack ${stack} failed: ${String(error)}; remove it with: npx scaledeck down --stack ${stack} --volumes`,
      );
    });
  };
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted; removing the benchmark stack');
    void cleanup().then(() => process.exit(130));
  });

  try {
    log(`deploying stack ${stack} with ${SCALE_FROM} replica (API image ${apiImage})`);
    const deployStarted = performance.now();
    const deployed = await controller.deploy({ replicas: SCALE_FROM });
    const deployMs = performance.now() - deployStarted;
    if (deployed.phase !== 'running') throw new Error(`deploy ended ${deployed.phase}`);
    const lb = deployed.endpoints.loadBalancer;
    if (lb === null) throw new Error('the load balancer publishes no port');
    log(`deploy to healthy: ${seconds(deployMs)}`);

    const perRound: {
      baselineMs: number;
      baseline: Startup;
      parallelMs: number;
      parallel: Startup;
      scale: ScaleResult;
    }[] = [];
    for (let round = 1; round <= rounds && !interrupted; round++) {
      const status = await waitForReplicas(controller, SCALE_FROM);
      const replica = status.replicas[0]!;
      const baselineName = `scaledeck-${stack}-baseline-${round}`;
      const { ms: baselineMs, startup: baselineStartup } = await dockerRunToHealthy(
        docker,
        replica.id,
        baselineName,
      );
      await removeBaselines(docker);
      log(`round ${round}: docker run -> healthy ${seconds(baselineMs)}`);
      // Not the goal's baseline, a reference: the same number of new containers as the scale adds,
      // started at once with the plain CLI, separates Scaledeck's overhead from CPU contention.
      const parallel = await Promise.all(
        Array.from({ length: SCALE_TO - SCALE_FROM }, (_, i) =>
          dockerRunToHealthy(docker, replica.id, `${baselineName}-p${i + 1}`),
        ),
      );
      const parallelMs = Math.max(...parallel.map((p) => p.ms));
      await removeBaselines(docker);
      log(
        `round ${round}: ${SCALE_TO - SCALE_FROM} x docker run at once -> all healthy ${seconds(parallelMs)}`,
      );

      const scale = await scaleUpUntilServing(
        docker,
        controller,
        lb,
        status.replicas.map((r) => r.id),
      );
      log(
        `round ${round}: scale ${SCALE_FROM} -> ${SCALE_TO}: all healthy ${seconds(scale.allHealthyMs)}, ` +
          `all answering through the LB ${seconds(scale.allServingMs)}`,
      );
      perRound.push({
        baselineMs,
        baseline: baselineStartup,
        parallelMs,
        parallel: slowest(parallel.map((p) => p.startup)),
        scale,
      });
      await controller.scale({ replicas: SCALE_FROM });
    }

    const baseline = median(perRound.map((r) => r.baselineMs));
    const parallelReference = median(perRound.map((r) => r.parallelMs));
    const scaled = median(perRound.map((r) => r.scale.doneMs));
    const ratio = scaled / baseline;
    const settingsSource = args.settings ?? process.env.SCALEDECK_SETTINGS ?? 'offline images';
    const summary = {
      machine: { cpus: availableParallelism(), replicaCpus: settings.replicaCpus },
      settings: settingsSource,
      apiImage,
      deployToHealthyMs: Math.round(deployMs),
      rounds: perRound.map((r) => ({
        dockerRunToHealthyMs: Math.round(r.baselineMs),
        parallelDockerRunsToHealthyMs: Math.round(r.parallelMs),
        scaleAllHealthyMs: Math.round(r.scale.allHealthyMs),
        scaleAllServingMs: Math.round(r.scale.allServingMs),
        lbRequests: r.scale.lbRequests,
        lbFailures: r.scale.lbFailures,
        scaleCallReturnedMs: Math.round(r.scale.scaleCallMs),
        baselineBreakdown: r.baseline,
        parallelDockerRunsBreakdownSlowest: r.parallel,
        scaleBreakdownSlowestReplica: r.scale.startup,
      })),
      median: {
        dockerRunToHealthyMs: Math.round(baseline),
        parallelDockerRunsToHealthyMs: Math.round(parallelReference),
        scaleToServingMs: Math.round(scaled),
      },
      ratio: Number(ratio.toFixed(2)),
      ratioToParallelDockerRuns: Number((scaled / parallelReference).toFixed(2)),
      goal: 2,
      meetsGoal: ratio <= 2,
    };
    await mkdir(path.join(ROOT, 'artifacts'), { recursive: true });
    await writeFile(path.join(ROOT, 'artifacts/bench-docker.json'), `${JSON.stringify(summary, null, 2)}\n`);

    if (args.json) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    const added = SCALE_TO - SCALE_FROM;
    const row = (cells: string[]) =>
      console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(8) : cell.padStart(14))).join(''));
    console.log(
      `Docker target benchmark (${availableParallelism()} CPUs, replica CPU limit ${settings.replicaCpus}, ${settingsSource})`,
    );
    console.log(`deploy -> every part healthy, warm images, ${SCALE_FROM} replica: ${seconds(deployMs)}`);
    console.log('');
    console.log(`A = docker run of the API image -> healthy (the baseline)`);
    console.log(`B = ${added} x docker run at once -> all healthy (reference: same work as the scale)`);
    console.log(
      `S = Scaledeck scale ${SCALE_FROM} -> ${SCALE_TO} -> all ${SCALE_TO} healthy and each seen through the LB (X-Replica)`,
    );
    row(['round', 'A', 'B', 'S healthy', 'S via LB', 'S', 'S/A']);
    perRound.forEach((r, i) =>
      row([
        String(i + 1),
        seconds(r.baselineMs),
        seconds(r.parallelMs),
        seconds(r.scale.allHealthyMs),
        seconds(r.scale.allServingMs),
        seconds(r.scale.doneMs),
        `${(r.scale.doneMs / r.baselineMs).toFixed(2)}x`,
      ]),
    );
    row([
      'median',
      seconds(baseline),
      seconds(parallelReference),
      '',
      '',
      seconds(scaled),
      `${ratio.toFixed(2)}x`,
    ]);
    console.log('');
    console.log('where the time went (engine timestamps; the slowest container of each set):');
    row(['round', 'to started', 'to 1st pass', 'failed checks']);
    perRound.forEach((r, i) => {
      for (const [label, startup] of [
        ['A', r.baseline],
        ['B', r.parallel],
        ['S', r.scale.startup],
      ] as const)
        row([
          `${i + 1} ${label}`,
          seconds(startup.startedAfterMs),
          // Promoted on Scaledeck's own probe before the engine's next check: no pass logged yet.
          Number.isNaN(startup.healthyAfterStartMs) ? 'not yet' : `+${seconds(startup.healthyAfterStartMs)}`,
          String(startup.failedChecks),
        ]);
    });
    console.log('');
    console.log(`requests through the LB while scaling up (${2 * SCALE_TO} per ${POLL_MS} ms poll), failed:`);
    perRound.forEach((r, i) => {
      const failed = Object.entries(r.scale.lbFailures);
      const detail = failed.map(([reason, n]) => `${reason} x ${n}`).join(', ');
      console.log(
        `  round ${i + 1}: ${failed.reduce((sum, [, n]) => sum + n, 0)} of ${r.scale.lbRequests}${detail ? ` (${detail})` : ''}`,
      );
    });
    console.log('');
    console.log(
      `ratio S/A ${ratio.toFixed(2)}x (goal <= 2x): ${ratio <= 2 ? 'met' : 'NOT met'}; S/B ${(scaled / parallelReference).toFixed(2)}x`,
    );
  } finally {
    if (!interrupted) {
      log(`removing stack ${stack}`);
      await cleanup();
    }
  }
}

main().catch((error: unknown) => {
  console.error(`bench:docker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
