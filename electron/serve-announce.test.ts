/**
 * The runtime file on a real file system: written whole with mode 0600, a stale one (its pid gone)
 * replaced, a live one left to its serve, and removed only by the serve it belongs to.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  announce,
  announcementFile,
  liveAnnouncement,
  liveAnnouncements,
  type ServeAnnouncement,
} from './serve-announce.ts';

let dir = '';

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'scaledeck-announce-')), 'run');
});

afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const entry = (pid: number, stack = 'demo'): Omit<ServeAnnouncement, 'version'> => ({
  url: 'http://127.0.0.1:4000/',
  stack,
  target: { kind: 'docker' },
  pid,
  startedAt: new Date().toISOString(),
  share: false,
});

describe('announce', () => {
  it('creates the folder 0700 and the file 0600, whole, and nothing else', async () => {
    const announced = await announce(dir, entry(process.pid));
    expect(announced.file).toBe(announcementFile(dir, 'demo'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(announced.file!)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(announced.file!, 'utf8'))).toEqual({
      version: 1,
      ...entry(process.pid),
      startedAt: expect.any(String),
    });
    expect(await readdir(dir)).toEqual(['serve-demo.json']);
    expect(await liveAnnouncement(dir, 'demo')).toMatchObject({ pid: process.pid, stack: 'demo' });
  });

  it('ignores a file whose pid is gone, and replaces it', async () => {
    const stale = await deadPid();
    await announce(dir, entry(stale));
    expect(await liveAnnouncement(dir, 'demo')).toBeNull();
    expect(await liveAnnouncements(dir)).toEqual([]);
    const announced = await announce(dir, entry(process.pid));
    expect(announced.other).toBeNull();
    expect((await liveAnnouncement(dir, 'demo'))?.pid).toBe(process.pid);
  });

  it('leaves a live serve of the same stack announced and says which it is', async () => {
    await announce(dir, entry(process.pid));
    const second = await announce(dir, entry(await deadPid()));
    expect(second.file).toBeNull();
    expect(second.other?.pid).toBe(process.pid);
    await second.remove();
    expect((await liveAnnouncement(dir, 'demo'))?.pid).toBe(process.pid);
  });

  it('removes its own file, not one another serve wrote since', async () => {
    const first = await announce(dir, entry(process.pid));
    await first.remove();
    expect(await readdir(dir)).toEqual([]);
    const stale = await announce(dir, entry(await deadPid()));
    await announce(dir, entry(process.pid));
    await stale.remove();
    expect((await liveAnnouncement(dir, 'demo'))?.pid).toBe(process.pid);
  });

  it('treats a file that is not an announcement as none, and replaces it', async () => {
    await announce(dir, entry(process.pid, 'other'));
    await writeFile(announcementFile(dir, 'demo'), '{"version": 1, "url": "not a url"');
    expect(await liveAnnouncement(dir, 'demo')).toBeNull();
    expect((await liveAnnouncements(dir)).map((a) => a.stack)).toEqual(['other']);
    expect((await announce(dir, entry(process.pid))).file).toBe(announcementFile(dir, 'demo'));
  });

  it('finds nothing in a folder that does not exist yet', async () => {
    expect(await liveAnnouncement(dir, 'demo')).toBeNull();
    expect(await liveAnnouncements(dir)).toEqual([]);
  });
});
