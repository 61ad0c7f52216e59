// A file per child the harness starts, so a later run can stop what an interrupted run left
// behind: vitest killed by a signal never runs the 'exit' hook, and its PostgreSQL, Redis and
// service processes would live on. A child is stopped only when the run that started it is gone
// and the PID still belongs to the same process (same start time), so a reused PID is safe.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LEDGER = path.join(os.tmpdir(), `scaledeck-harness-${process.getuid?.() ?? 'user'}`);

interface Entry {
  pid: number;
  owner: number;
  ownerStart: string;
  start: string;
  command: string;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null when PID is gone. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const entryFile = (pid: number) => path.join(LEDGER, `${pid}.json`);

export function recordChild(pid: number, command: string): void {
  const start = startTime(pid);
  const ownerStart = startTime(process.pid);
  if (start === null || ownerStart === null) return;
  mkdirSync(LEDGER, { recursive: true });
  const entry: Entry = { pid, owner: process.pid, ownerStart, start, command };
  writeFileSync(entryFile(pid), JSON.stringify(entry));
}

export function forgetChild(pid: number): void {
  rmSync(entryFile(pid), { force: true });
}

/** Stops children whose run has ended; returns what it stopped, for the log. */
export function stopOrphans(): string[] {
  let names: string[];
  try {
    names = readdirSync(LEDGER).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const stopped: string[] = [];
  for (const name of names) {
    const file = path.join(LEDGER, name);
    let entry: Entry;
    try {
      entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (startTime(entry.owner) === entry.ownerStart) continue;
    if (startTime(entry.pid) === entry.start) {
      try {
        process.kill(entry.pid, 'SIGKILL');
        stopped.push(`${entry.pid} (${entry.command})`);
      } catch {
        // exited in between
      }
    }
    rmSync(file, { force: true });
  }
  return stopped;
}
