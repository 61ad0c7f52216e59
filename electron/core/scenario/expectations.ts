/**
 * Declared effects and how each is judged. Scale expectations are met by the session's scale
 * events from the autoscaler; replicas and healthy by the stack's status; the request ones by the
 * load generator's counts over the step. Deadlines count scenario time (a pause stops them).
 */
import type { LoadReport } from '../loadgen.ts';
import type { StackStatus } from '../contract.ts';
import type { ExpectationKind } from './describe.ts';
import type { StepExpectations } from './schema.ts';

export type WindowKind = 'noFailedRequests' | 'failedRequests' | 'cacheHitRatio';
export const WINDOW_KINDS: ReadonlySet<ExpectationKind> = new Set<ExpectationKind>([
  'noFailedRequests',
  'failedRequests',
  'cacheHitRatio',
]);

export interface Verdict {
  met: boolean;
  detail: string;
}

/** The status-polled ones: null while not yet there (the deadline decides). */
export function judgeStatus(
  kind: ExpectationKind,
  expect: StepExpectations,
  status: StackStatus,
): Verdict | null {
  if (kind === 'healthy')
    return status.phase === 'running'
      ? {
          met: true,
          detail: `every part healthy, ${status.readyReplicas}/${status.desiredReplicas} replicas ready`,
        }
      : null;
  if (kind === 'replicas' && expect.replicas !== undefined) {
    const { atLeast, atMost } = expect.replicas;
    const ready = status.readyReplicas;
    const inRange = (atLeast === undefined || ready >= atLeast) && (atMost === undefined || ready <= atMost);
    return inRange ? { met: true, detail: `${ready} ready replicas` } : null;
  }
  return null;
}

/** Why a status-polled or event expectation missed its deadline, from the last status seen. */
export function missedDetail(kind: ExpectationKind, within: number, last: StackStatus | null): string {
  const seen =
    last === null
      ? ''
      : kind === 'healthy'
        ? `; last seen: ${last.phase}, ${last.readyReplicas}/${last.desiredReplicas} replicas ready, ${Object.entries(
            last.components,
          )
            .filter(([, state]) => state !== 'healthy')
            .map(([role, state]) => `${role} ${state}`)
            .join(', ')}`.replace(/, $/, '')
        : `; last seen: ${last.readyReplicas} ready of ${last.desiredReplicas} desired`;
  const what = kind === 'scalesOut' ? 'no scale-out' : kind === 'scalesIn' ? 'no scale-in' : 'not reached';
  return `${what} within ${within} s${seen}`;
}

interface Counts {
  completed: number;
  errors: number;
  dropped: number;
  hits: number;
  misses: number;
}

function counts(report: LoadReport | null): Counts {
  if (report === null) return { completed: 0, errors: 0, dropped: 0, hits: 0, misses: 0 };
  return {
    completed: report.completed,
    errors: report.errors.total,
    dropped: report.dropped,
    hits: report.cache.hits,
    misses: report.cache.misses,
  };
}

/**
 * The request expectations over the step: counts at its end minus counts at its start. A load
 * that was restarted within the step counts from zero (the new generator's report).
 */
export function judgeWindow(
  kind: WindowKind,
  expect: StepExpectations,
  start: LoadReport | null,
  end: LoadReport | null,
): Verdict {
  const restarted = start !== null && end !== null && end.completed < start.completed;
  const a = counts(restarted ? null : start);
  const b = counts(end);
  const completed = b.completed - a.completed;
  const errors = b.errors - a.errors;
  const dropped = b.dropped - a.dropped;
  const droppedText = dropped > 0 ? `, ${dropped} dropped at the generator's concurrency limit` : '';
  if (kind === 'cacheHitRatio') {
    const hits = b.hits - a.hits;
    const total = hits + (b.misses - a.misses);
    if (total === 0)
      return { met: false, detail: 'no cached reads (GET /users/:id) answered during the step' };
    const ratio = hits / total;
    const { atLeast, atMost } = expect.cacheHitRatio ?? {};
    const met = (atLeast === undefined || ratio >= atLeast) && (atMost === undefined || ratio <= atMost);
    return { met, detail: `cache hit ratio ${Math.round(ratio * 100)} % over ${total} reads` };
  }
  if (completed === 0 && errors === 0)
    return { met: false, detail: 'no requests completed during the step (is the load running?)' };
  const percent = completed === 0 ? 100 : (errors / completed) * 100;
  const text = `${errors} of ${completed} requests failed (${Math.round(percent * 100) / 100} %)${droppedText}`;
  if (kind === 'noFailedRequests') return { met: errors === 0, detail: text };
  const limit = expect.failedRequests?.atMostPercent ?? 0;
  return { met: percent <= limit, detail: text };
}

/** "1:05" for 65 000 ms of scenario time. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
