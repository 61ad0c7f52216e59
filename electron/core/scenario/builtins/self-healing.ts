/** The built-in "Self-healing": a replica, Redis and PostgreSQL fail in turn under steady load. */
export const SELF_HEALING = `
name: self-healing
title: Self-healing
description: >-
  Steady load on three replicas while a replica, Redis and PostgreSQL are killed in turn and
  brought back. The reconcile loop replaces the replica, the API's circuit breaker serves reads
  from PostgreSQL while Redis is down, and cached reads answer while PostgreSQL is down.
steps:
  - for: 15
    caption: "Steady load on three replicas, the autoscaler off"
    autoscaler: { enabled: false }
    scale: 3
    load: { rate: 1x }
    expect:
      healthy: { within: 15 }
  - for: 20
    caption: "A replica dies: the reconcile loop starts a new one and the load balancer routes around it"
    chaos: { kill: replica }
    expect:
      healthy: { within: 20 }
      failedRequests: { atMostPercent: 5 }
  - for: 15
    caption: "Redis dies: the circuit breaker sends reads to PostgreSQL (slower, still answered)"
    chaos: { kill: redis }
    expect:
      failedRequests: { atMostPercent: 10 }
  - for: 15
    caption: "Redis is back: the breaker closes and the cache fills again"
    chaos: { restore: redis }
    expect:
      healthy: { within: 15 }
  - for: 15
    caption: "PostgreSQL dies: cached reads still answer, writes and cache misses fail"
    chaos: { kill: postgres }
  - for: 20
    caption: "PostgreSQL is back: the connection pools reconnect"
    chaos: { restore: postgres }
    expect:
      healthy: { within: 20 }
  - for: 15
    caption: "Everything healthy again, requests answered"
    expect:
      failedRequests: { atMostPercent: 1 }
`;
