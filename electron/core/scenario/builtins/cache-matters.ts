/** The built-in "Cache matters": the same read load with hot keys, then cold keys. */
export const CACHE_MATTERS = `
name: cache-matters
title: Cache matters
description: >-
  The same read load twice: first a few hot keys (almost every read a cache hit), then keys drawn
  uniformly from every user (most reads miss and go to PostgreSQL). The rates are absolute on
  purpose: how cold the cache runs depends on the key space against the cache's 60 s TTL, not on
  the machine's speed.
steps:
  - for: 30
    caption: "First, users to read: sign-ups (each hashes a password with scrypt, real CPU work)"
    autoscaler: { enabled: false }
    scale: 2
    load:
      rate: 10
      mix: { getUser: 0, listUsers: 0, signUp: 1, token: 0 }
  - for: 5
    caption: "The sign-ups stop"
    load: stop
  - for: 30
    caption: "Reads of a few hot keys: watch the cache hit ratio climb towards 100 % and latency stay low"
    load:
      rate: 10
      mix: { getUser: 1, listUsers: 0, signUp: 0, token: 0 }
      zipf: 2
    expect:
      cacheHitRatio: { atLeast: 0.8 }
  - for: 20
    caption: "The same rate over every user's key: most reads miss the cache and go to PostgreSQL"
    load: { zipf: 0 }
    expect:
      cacheHitRatio: { atMost: 0.6 }
  - for: 15
    caption: "Keys read once stay cached for 60 s: the hit ratio climbs back as the cache warms"
`;
