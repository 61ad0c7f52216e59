import { describe, expect, it } from 'vitest';
import { SCRAPE_INTERVAL_SECONDS, prometheusConfigText, prometheusScrapeConfig } from './scrape.ts';

describe('Prometheus scrape config', () => {
  const targets = { apiDnsName: 'api', apiPort: 8080, prometheusPort: 9090 };

  it('scrapes the API by DNS at the one interval', () => {
    const config = prometheusScrapeConfig(targets);
    expect(config.global.scrape_interval).toBe(`${SCRAPE_INTERVAL_SECONDS}s`);
    const api = config.scrape_configs.find((job) => job.job_name === 'api');
    expect(api?.dns_sd_configs).toEqual([
      { names: ['api'], type: 'A', port: 8080, refresh_interval: `${SCRAPE_INTERVAL_SECONDS}s` },
    ]);
  });

  it('renders prometheus.yml as JSON (valid YAML)', () => {
    expect(JSON.parse(prometheusConfigText(targets))).toEqual(prometheusScrapeConfig(targets));
  });
});
