import { basename, join } from 'node:path';
import { session } from 'electron';

/** Saves every download (PNG/CSV/JSON exports) into `dir` under its own name, without a dialog. */
export function saveDownloadsTo(dir: string): void {
  session.defaultSession.on('will-download', (_event, item) => {
    // basename: a page cannot steer the file out of the folder with a crafted name.
    item.setSavePath(join(dir, basename(item.getFilename())));
  });
}
