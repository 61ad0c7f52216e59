// The time left in a scenario's step, ticking on this page's clock between status updates.
import { useEffect, useState } from 'react';
import type { ScenarioStatus } from '../../api/channels.ts';

/** 65_000 -> "1:05", 9_400 -> "0:10" (rounded up: "0:00" only once the step is over). */
export function formatMinutes(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * Milliseconds left in the current step at `now`, or null when there is no next step to wait for
 * (ended, not started yet). remainingMs is counted from when the status arrived on this page, so a
 * viewer whose clock is off from the server's still counts right; nextStepAt is the fallback.
 * Paused: the frozen remainder, not ticking.
 */
export function remainingAt(status: ScenarioStatus, receivedAt: number, now: number): number | null {
  if (status.remainingMs === null)
    return status.nextStepAt === null ? null : Math.max(0, status.nextStepAt - now);
  if (status.state === 'paused') return status.remainingMs;
  if (status.state !== 'playing') return null;
  return Math.max(0, status.remainingMs - (now - receivedAt));
}

/** remainingAt, re-evaluated once a second while the step runs. */
export function useCountdown(status: ScenarioStatus | null, receivedAt: number): number | null {
  const [now, setNow] = useState(() => Date.now());
  const ticking = status !== null && status.state === 'playing';
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking, receivedAt]);
  return status === null ? null : remainingAt(status, receivedAt, Math.max(now, receivedAt));
}
