/** What the CLI prints: progress lines, the stack's status, and events while attached. */
import { describeBehavior } from './cli-behavior.ts';
import { metricsText } from './cli-metrics.ts';
import type { CoreEvent, ProgressListener, StackStatus } from './core/contract.ts';

/** A one-line progress display on a terminal; plain lines otherwise (CI logs). */
export function progressPrinter(): ProgressListener {
  const tty = process.stderr.isTTY;
  let lastStep = '';
  return ({ step, percent, log }) => {
    const line = `[${String(Math.round(percent)).padStart(3)}%] ${step}${log ? `: ${log}` : ''}`;
    if (tty) {
      const width = process.stderr.columns ?? 100;
      process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      if (percent >= 100) process.stderr.write('\n');
    } else if (step !== lastStep || log === undefined || percent >= 100) {
      process.stderr.write(`${line}\n`);
    }
    lastStep = step;
  };
}

export function printStatus(status: StackStatus): void {
  const lines = [
    `stack ${status.stack} on ${status.target}: ${status.phase}`,
    `replicas: ${status.readyReplicas} ready / ${status.desiredReplicas} desired`,
    status.capacity
      ? `capacity: about ${status.capacity.replicas} replicas fit (${status.capacity.basis})`
      : 'capacity: unknown',
  ];
  if (status.autoscaler) {
    const a = status.autoscaler;
    lines.push(
      `autoscaler: ${a.minReplicas}..${a.maxReplicas} replicas ${metricsText(a)} (${a.profile} profile)`,
      ...describeBehavior(a.behavior),
    );
  } else {
    lines.push('autoscaler: off');
  }
  lines.push(
    `load balancer: ${status.endpoints.loadBalancer ?? '-'}`,
    `prometheus: ${status.endpoints.prometheus ?? '-'}`,
  );
  lines.push(
    `parts: ${Object.entries(status.components)
      .map(([role, state]) => `${role}=${state}`)
      .join(' ')}`,
  );
  for (const [role, reason] of Object.entries(status.componentReasons ?? {}))
    lines.push(`  ${role}  ${status.components[role as keyof StackStatus['components']]}  (${reason})`);
  for (const replica of status.replicas)
    lines.push(
      `  ${replica.name}  ${replica.state}${replica.node ? `  on ${replica.node}` : ''}${replica.reason ? `  (${replica.reason})` : ''}`,
    );
  if (status.dataLocality) lines.push(`data: ${status.dataLocality}`);
  console.log(lines.join('\n'));
}

export function describeEvent(event: CoreEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 19);
  switch (event.type) {
    case 'progress':
      return `${time} ${event.step} ${event.percent}%${event.log ? ` ${event.log}` : ''}`;
    case 'replica':
      return `${time} replica ${event.name} ${event.kind}${event.detail ? ` (${event.detail})` : ''}`;
    case 'scale':
      return `${time} scale ${event.from} -> ${event.to} (${event.source})`;
    case 'autoscaler':
      return `${time} autoscaler: ${event.decision.reason}`;
    case 'error':
      return `${time} error ${event.error.code}: ${event.error.message}`;
  }
}
