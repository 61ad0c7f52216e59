import { pack } from 'tar-stream';
import type { Readable } from 'node:stream';

/** A tar stream of in-memory files, for putArchive into a created (not yet started) container. */
export function tarOf(files: Record<string, string>): Readable {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) {
    archive.entry({ name, mode: 0o644 }, content);
  }
  archive.finalize();
  return archive as unknown as Readable;
}
