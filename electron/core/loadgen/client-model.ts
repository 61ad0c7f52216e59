/**
 * Who the load looks like to the load balancer.
 *
 * A Kubernetes Service (kube-proxy) balances connections, not requests: each new TCP connection
 * goes to a pod picked at random, and every request on it stays there. Traffic from a few
 * long-lived keep-alive connections therefore lands on whichever pods those connections picked;
 * NGINX on the Docker target balances each request and does not care.
 *
 * - `many` (default): many short client visits, like browsers and SDKs behind a NAT. About
 *   NEW_CONNECTIONS_PER_SECOND connections close and reopen every second (one request in every
 *   requestsPerConnection(rate) asks for `Connection: close`), so kube-proxy re-picks a pod that
 *   often and the per-pod shares even out within a rate window.
 * - `few`: a few keep-alive connections reused for the whole run (as many as the requests in
 *   flight need), like a handful of services with connection pools. Behind kube-proxy one pod
 *   gets most of the traffic: the lesson, on purpose.
 */
// No zod here: the renderer imports the models and their text (the schema is in options.ts).
export const CLIENT_MODELS = ['many', 'few'] as const;
export type ClientModel = (typeof CLIENT_MODELS)[number];

/** A name and one line per model, for the CLI's help and the load panel. */
export const CLIENT_MODEL_LABEL: Record<ClientModel, string> = {
  many: 'Many short-lived clients',
  few: 'Few long-lived clients',
};
export const CLIENT_MODEL_TEXT: Record<ClientModel, string> = {
  many:
    'each connection carries a few requests (4 or more; about 40 new connections a second at higher rates), ' +
    'like browsers and SDKs behind a NAT, so a Service that balances connections (kube-proxy) spreads requests evenly',
  few:
    'a few keep-alive connections for the whole run, like a handful of services with connection pools; ' +
    'behind kube-proxy one pod gets most requests',
};

/*
 * Sizing. With K connection lifetimes of about equal size spread at random over P pods, a pod's
 * share has a relative standard deviation of sqrt((P - 1) / K). 40 lifetimes a second over a 20 s
 * rate window is K = 800: 5 % for 3 pods, 11 % for 10. At low rates every connection still carries
 * at least MIN_REQUESTS_PER_CONNECTION requests (150 req/s: 4 per connection, 37 a second), so a
 * client is a short visit, not one connection per request; at high rates the reopen rate stays
 * near 40/s, which keeps the generator's cost and the sockets left in TIME_WAIT small.
 */
export const NEW_CONNECTIONS_PER_SECOND = 40;
export const MIN_REQUESTS_PER_CONNECTION = 4;

/** Requests one connection carries before it closes, at a given rate (req/s). */
export function requestsPerConnection(rate: number): number {
  if (!(rate > 0)) return MIN_REQUESTS_PER_CONNECTION;
  return Math.max(MIN_REQUESTS_PER_CONNECTION, Math.ceil(rate / NEW_CONNECTIONS_PER_SECOND));
}

/**
 * Decides which requests close their connection. Counted over all requests, not per connection:
 * the reopen rate (what spreads the load) is then rate / requestsPerConnection whatever the
 * number of connections in flight.
 */
export class ConnectionChurn {
  private sinceClose = 0;
  private readonly model: ClientModel;

  constructor(model: ClientModel) {
    this.model = model;
  }

  /** True when the request about to go out should ask the server to close its connection. */
  closeAfterNext(rate: number): boolean {
    if (this.model === 'few') return false;
    this.sinceClose++;
    if (this.sinceClose < requestsPerConnection(rate)) return false;
    this.sinceClose = 0;
    return true;
  }
}
