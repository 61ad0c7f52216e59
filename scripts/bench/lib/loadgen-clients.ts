/**
 * One load generator run in a process of its own, so its CPU time is its own: prints one JSON
 * line with the achieved rate, the CPU per completed request (user + system, from start() to
 * done()) and the connections it opened. bench:load runs it once per client model and rate.
 *
 *   node scripts/bench/lib/loadgen-clients.ts --url http://127.0.0.1:PORT --rate 1000 --duration 10 --clients many
 */
import { parseArgs } from 'node:util';
import { CLIENT_MODELS, LoadGenerator, type ClientModel } from '../../../electron/core/loadgen.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string', default: '10' },
    clients: { type: 'string', default: 'many' },
    connections: { type: 'string', default: '512' },
  },
  strict: true,
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!values.url) throw new Error('--url: the stack’s load balancer URL is required');
if (!(rate > 0)) throw new Error('--rate: must be a number above 0');
if (!(duration > 0)) throw new Error('--duration: must be a number of seconds above 0');
if (!(CLIENT_MODELS as readonly string[]).includes(values.clients))
  throw new Error(`--clients: must be one of ${CLIENT_MODELS.join(', ')}`);

const generator = new LoadGenerator({
  baseUrl: values.url,
  rate,
  maxRate: rate,
  durationSeconds: duration,
  concurrency: connections,
  tokenUsers: 1,
  mix: { getUser: 1, listUsers: 0, signUp: 0, token: 0 },
  clients: values.clients as ClientModel,
});
await generator.start();
const cpuBefore = process.cpuUsage();
const report = await generator.done();
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    clients: report.clients,
    rate,
    achieved: report.achievedRate,
    completed: report.completed,
    errors: report.errors.total,
    dropped: report.dropped,
    p50: report.latencyMs.p50,
    p99: report.latencyMs.p99,
    connectionsOpened: report.connectionsOpened,
    cpuMicrosPerRequest: report.completed > 0 ? (cpu.user + cpu.system) / report.completed : null,
  }),
);
