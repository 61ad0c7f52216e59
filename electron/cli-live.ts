/**
 * The CLI's live commands: `load` (the built-in generator against the stack's load balancer,
 * with a live line and a final report) and `chaos` (kill a replica, Redis or PostgreSQL, and
 * restore the last two).
 */

import { ValidationError } from './core/errors.ts';
import {
  LoadGenerator,
  OPERATION_NAMES,
  OPERATIONS,
  type ClientModel,
  type LoadReport,
  type OperationMix,
} from './core/loadgen.ts';
import type { Settings } from './core/settings.ts';
import { nodeChaosOf } from './core/session-chaos.ts';
import { descriptorOf } from './core/targets/registry.ts';
import type { LiveTarget } from './core/targets/target.ts';

const MIX_KEYS: Record<string, keyof OperationMix> = {
  get: 'getUser',
  getuser: 'getUser',
  list: 'listUsers',
  listusers: 'listUsers',
  signup: 'signUp',
  token: 'token',
};

/**
 * `get=80,list=10,signup=5,token=5` -> a mix; unknown names and bad weights name the part. A name
 * left out weighs 0: `--mix get=100` means only reads, as it reads on the command line.
 */
export function parseMix(text: string): OperationMix {
  const mix: OperationMix = { getUser: 0, listUsers: 0, signUp: 0, token: 0 };
  let given = 0;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [rawName, rawWeight] = part.split('=');
    const name = MIX_KEYS[(rawName ?? '').trim().toLowerCase()];
    if (name === undefined)
      throw new ValidationError('--mix', `unknown operation "${rawName}" (use get, list, signup, token)`);
    const weight = Number(rawWeight);
    if (rawWeight === undefined || rawWeight.trim() === '' || !Number.isFinite(weight) || weight < 0)
      throw new ValidationError(
        '--mix',
        `weight of ${rawName} must be a number >= 0, got "${rawWeight ?? ''}"`,
      );
    mix[name] = weight;
    given++;
  }
  if (given === 0) throw new ValidationError('--mix', 'give at least one name=weight');
  return mix;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

export function liveLine(report: LoadReport): string {
  return (
    `${report.elapsedSeconds.toFixed(0).padStart(4)} s  ${report.achievedRate.toFixed(0).padStart(5)}/${report.rate} req/s  ` +
    `ok ${report.ok}  errors ${report.errors.total}  dropped ${report.dropped}  ` +
    `p50 ${ms(report.latencyMs.p50)}  p99 ${ms(report.latencyMs.p99)}  in flight ${report.inFlight}` +
    (report.cache.hitRatio === null ? '' : `  cache ${(report.cache.hitRatio * 100).toFixed(0)}%`)
  );
}

export function finalReport(report: LoadReport): string {
  const lines = [
    `load ${report.stopReason ?? report.state} after ${report.elapsedSeconds.toFixed(1)} s`,
    `  target ${report.averageTargetRate.toFixed(1)} req/s, achieved ${report.achievedRate.toFixed(1)} req/s ` +
      `(${report.completed} completed, ${report.ok} ok, ${report.errors.total} errors, ${report.dropped} dropped at concurrency ${report.concurrency})`,
    `  clients: ${report.clients} (${report.connectionsOpened} connections opened)`,
    `  latency from intended send: p50 ${ms(report.latencyMs.p50)}, p95 ${ms(report.latencyMs.p95)}, p99 ${ms(report.latencyMs.p99)}, max ${ms(report.latencyMs.max)}`,
  ];
  if (report.cache.hitRatio !== null)
    lines.push(`  cache (X-Cache of GET /users/:id): ${(report.cache.hitRatio * 100).toFixed(1)}% hits`);
  if (report.errors.total > 0)
    lines.push(
      `  errors by status ${JSON.stringify(report.errors.byStatus)}, by kind ${JSON.stringify(report.errors.byKind)}`,
    );
  for (const op of OPERATIONS) {
    const stats = report.operations[op];
    if (stats.completed > 0)
      lines.push(
        `  ${OPERATION_NAMES[op].padEnd(20)} ${String(stats.completed).padStart(7)}  p99 ${ms(stats.latencyMs.p99)}  errors ${stats.errors}`,
      );
  }
  return lines.join('\n');
}

export interface LoadCommandOptions {
  rps: number;
  duration: number;
  mix?: string;
  zipf?: number;
  concurrency?: number;
  clients?: ClientModel;
  json?: boolean;
}

/** Runs a load against the stack's own load balancer until its duration or Ctrl-C. */
export async function runLoadCommand(
  target: Pick<LiveTarget, 'status'>,
  settings: Settings,
  options: LoadCommandOptions,
): Promise<LoadReport> {
  const status = await target.status();
  const baseUrl = status.endpoints.loadBalancer;
  if (status.phase === 'absent' || baseUrl === null)
    throw new ValidationError('--stack', `stack ${status.stack} is not deployed; run deploy first`);
  const generator = new LoadGenerator({
    baseUrl,
    rate: options.rps,
    maxRate: Math.max(settings.maxLoadRps, options.rps),
    durationSeconds: options.duration,
    ...(options.mix === undefined ? {} : { mix: parseMix(options.mix) }),
    ...(options.zipf === undefined ? {} : { zipfExponent: options.zipf }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.clients === undefined ? {} : { clients: options.clients }),
  });
  const stop = () => void generator.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`signing up load users on ${baseUrl} ...\n`);
  await generator.start();
  const tty = process.stderr.isTTY;
  let ticks = 0;
  const timer = setInterval(() => {
    const line = liveLine(generator.report());
    ticks++;
    if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else if (ticks % 5 === 0) process.stderr.write(`${line}\n`);
  }, 1000);
  try {
    const report = await generator.done();
    if (tty) process.stderr.write('\n');
    console.log(options.json ? JSON.stringify(report, null, 2) : finalReport(report));
    return report;
  } finally {
    clearInterval(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export const CHAOS_ACTIONS = [
  'kill-replica',
  'kill-redis',
  'kill-postgres',
  'restore-redis',
  'restore-postgres',
  'drain-node',
  'uncordon-node',
] as const;

const NODE_ACTIONS: readonly string[] = ['drain-node', 'uncordon-node'];

async function runNodeChaos(
  target: Pick<LiveTarget, 'kind' | 'nodes'>,
  action: string,
  node: string | undefined,
): Promise<string> {
  const nodes = nodeChaosOf(target);
  if (node === undefined)
    throw new ValidationError('node', `${action} needs a node name: scaledeck chaos ${action} NAME`);
  if (action === 'uncordon-node') {
    await nodes.uncordon(node);
    return `uncordoned ${node}: the scheduler may place pods there again`;
  }
  const result = await nodes.drain(node, (pod) => process.stderr.write(`evicted ${pod}\n`));
  const kept = result.kept.map((k) => `; kept ${k.pod} (${k.reason})`).join('');
  return (
    `drained ${node}: cordoned, evicted ${result.evicted.length} of the stack’s pods ` +
    `(${result.evicted.join(', ') || 'none were there'})${kept}. ` +
    `Bring it back with \`scaledeck chaos uncordon-node ${node}\``
  );
}

export async function runChaosCommand(
  target: Pick<LiveTarget, 'kind' | 'killReplica' | 'killPart' | 'restorePart' | 'nodes'>,
  action: string,
  replica: string | undefined,
): Promise<string> {
  if (NODE_ACTIONS.includes(action)) return runNodeChaos(target, action, replica);
  if (replica !== undefined && action !== 'kill-replica')
    throw new ValidationError('replica', `a replica name only goes with kill-replica, not ${action}`);
  switch (action) {
    case 'kill-replica':
      return descriptorOf(target.kind).killed('replica', await target.killReplica(replica), '');
    case 'kill-redis':
    case 'kill-postgres': {
      const name = await target.killPart(action === 'kill-redis' ? 'redis' : 'postgres');
      const restore = `scaledeck chaos ${action.replace('kill', 'restore')}`;
      return descriptorOf(target.kind).killed('part', name, restore);
    }
    case 'restore-redis':
    case 'restore-postgres':
      return `restored ${await target.restorePart(action === 'restore-redis' ? 'redis' : 'postgres')} (healthy)`;
    default:
      throw new ValidationError('action', `unknown chaos action "${action}" (${CHAOS_ACTIONS.join(', ')})`);
  }
}
