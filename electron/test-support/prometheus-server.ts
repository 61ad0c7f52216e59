// A throwaway Prometheus (Debian's binary) scraping the given targets, for tests of the metrics layer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  spawnLogged,
  tail,
  trackTempDir,
  untrackTempDir,
  waitUntil,
} from '../../service/test/harness/processes.ts';

export interface PrometheusServer {
  url: string;
  dispose(): Promise<void>;
}

export async function startPrometheus(opts: {
  job: string;
  targets: string[];
  scrapeIntervalSeconds: number;
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'scaledeck-prom-'));
  trackTempDir(dir);
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${opts.scrapeIntervalSeconds}s`,
    `  evaluation_interval: ${opts.scrapeIntervalSeconds}s`,
    'scrape_configs:',
    `  - job_name: ${opts.job}`,
    '    static_configs:',
    `      - targets: [${opts.targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const proc = spawnLogged(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    join(dir, 'prometheus.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('prometheus /-/ready', async () => (await fetch(`${url}/-/ready`)).ok, {
    alive: proc.isRunning,
    describe: () => tail(proc.log()),
  });
  return {
    url,
    async dispose() {
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
}
