/**
 * The runtime file of a running `scaledeck serve`: where its HTTP API listens, the stack and target
 * it serves, its pid and start time. `scaledeck export` and `explain` in another terminal read the
 * session's recording through it. One file per stack (a second serve of the same stack would be a
 * second controller fighting the first, so it is told, not announced).
 *
 * No token in it: the CLI reads only read channels, which browser mode answers without one even
 * when shared, and the share token stays where serve.ts promises it is: on its terminal, once.
 * Mode 0600 all the same (URL and pid are nobody else's business); on Windows the folder under
 * %LOCALAPPDATA% is the user's own, which is what the mode stands for there.
 */
import { link, mkdir, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const announcementSchema = z.object({
  version: z.literal(1),
  url: z.url({ protocol: /^https?$/ }),
  stack: z.string().min(1),
  /** The target it started on (the dashboard can switch it): the kind and its flags (--context, ...). */
  target: z.object({ kind: z.string().min(1) }).catchall(z.string().optional()),
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  /** Shared read-only on the LAN: reads are open, commands need the token this file does not hold. */
  share: z.boolean(),
});

export type ServeAnnouncement = z.infer<typeof announcementSchema>;

const PREFIX = 'serve-';
const SUFFIX = '.json';

/** The stack name is checked by the caller (validateStackName), so it is safe in a file name. */
export function announcementFile(dir: string, stack: string): string {
  return path.join(dir, `${PREFIX}${stack}${SUFFIX}`);
}

/** Whether a process with this pid exists (EPERM: it does, someone else's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readFileAt(file: string): Promise<ServeAnnouncement | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = announcementSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not JSON: nothing a serve of ours wrote whole, so nothing to read.
    return null;
  }
}

/** The announcement of a serve of `stack` that still runs; null when none, unreadable, or stale. */
export async function liveAnnouncement(dir: string, stack: string): Promise<ServeAnnouncement | null> {
  const found = await readFileAt(announcementFile(dir, stack));
  return found !== null && isRunning(found.pid) ? found : null;
}

/** Every serve still running, whatever its stack (to point at the right --stack). */
export async function liveAnnouncements(dir: string): Promise<ServeAnnouncement[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found = await Promise.all(
    names
      .filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX))
      .map((name) => readFileAt(path.join(dir, name))),
  );
  return found.filter((a): a is ServeAnnouncement => a !== null && isRunning(a.pid));
}

export interface Announced {
  /** The file, when this serve is the one announced. */
  file: string | null;
  /** The serve of the same stack that was announced first and still runs, when this one is not. */
  other: ServeAnnouncement | null;
  /** Removes the file if it is still this serve's. */
  remove(): Promise<void>;
}

/**
 * Publishes the file whole and only if no live serve holds it: written beside it, then hard-linked
 * into place (the link fails if the name exists, so two serves starting together cannot both win,
 * and a reader never sees half a file). A file whose pid is gone is replaced.
 */
export async function announce(
  dir: string,
  announcement: Omit<ServeAnnouncement, 'version'>,
): Promise<Announced> {
  const entry: ServeAnnouncement = { version: 1, ...announcement };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = announcementFile(dir, entry.stack);
  const draft = `${file}.${entry.pid}.tmp`;
  // Created fresh so it gets 0600 (an existing file would keep its own mode).
  await rm(draft, { force: true });
  await writeFile(draft, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, file);
        return { file, other: null, remove: () => removeIfOwn(file, entry.pid) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const other = await liveAnnouncement(dir, entry.stack);
      if (other !== null) return { file: null, other, remove: async () => {} };
      await unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    throw new Error(`${file} kept coming back while it was replaced`);
  } finally {
    await rm(draft, { force: true });
  }
}

async function removeIfOwn(file: string, pid: number): Promise<void> {
  const current = await readFileAt(file);
  if (current?.pid === pid) await rm(file, { force: true });
}
