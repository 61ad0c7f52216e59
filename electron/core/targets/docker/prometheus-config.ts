import { prometheusConfigText } from '../kit/scrape.ts';
import { API_PORT, PROMETHEUS_PORT } from './stack-spec.ts';

/** Prometheus discovers every replica through Docker's DNS: the `api` alias on the front network. */
export function prometheusConfig(): string {
  return prometheusConfigText({ apiDnsName: 'api', apiPort: API_PORT, prometheusPort: PROMETHEUS_PORT });
}
