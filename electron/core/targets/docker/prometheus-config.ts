/**
 * Prometheus discovers every replica through Docker's DNS (the `api` alias, type A) and scrapes
 * each one every 2 s. JSON is valid YAML, so no YAML library is needed.
 */
export function prometheusConfig(apiPort = 8080, scrapeIntervalSeconds = 2): string {
  const interval = `${scrapeIntervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: '1s', evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'api',
        dns_sd_configs: [{ names: ['api'], type: 'A', port: apiPort, refresh_interval: interval }],
      },
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
