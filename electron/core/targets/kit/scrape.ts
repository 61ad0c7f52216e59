/**
 * What Prometheus scrapes on every target: each API replica, found through DNS (type A), every
 * SCRAPE_INTERVAL_SECONDS. The one interval both targets configure and the queries' rate() windows
 * and the metrics feed are derived from.
 */
export const SCRAPE_INTERVAL_SECONDS = 2;
export const SCRAPE_INTERVAL_MS = SCRAPE_INTERVAL_SECONDS * 1000;

export interface ScrapeTargets {
  /** The DNS name that answers with one address per ready API replica. */
  apiDnsName: string;
  apiPort: number;
  prometheusPort: number;
}

export function prometheusScrapeConfig(targets: ScrapeTargets) {
  const interval = `${SCRAPE_INTERVAL_SECONDS}s`;
  return {
    global: { scrape_interval: interval, scrape_timeout: '1s', evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'api',
        dns_sd_configs: [
          { names: [targets.apiDnsName], type: 'A', port: targets.apiPort, refresh_interval: interval },
        ],
      },
      { job_name: 'prometheus', static_configs: [{ targets: [`localhost:${targets.prometheusPort}`] }] },
    ],
  };
}

/** prometheus.yml: JSON is valid YAML, so no YAML library is needed. */
export function prometheusConfigText(targets: ScrapeTargets): string {
  return `${JSON.stringify(prometheusScrapeConfig(targets), null, 2)}\n`;
}
