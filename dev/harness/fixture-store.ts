import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { RedisSessionStore, sessionKeysFor } from "../../lib/shared";

/** The provider benchmarks and measurements pretend to be: the `iss` of their tokens. */
export const fixtureIssuer = "https://tenant.example.com/";

/**
 * A session store under a key prefix of its own (`<label>:<random>:`), so a benchmark
 * or measurement counts and scans only what it stored, beside anything else in Redis.
 */
export function fixtureStore(
  redis: Redis | Cluster,
  label: string,
): { store: RedisSessionStore; prefix: string } {
  const prefix = `${label}:${randomBytes(4).toString("hex")}:`;
  const store = new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime: { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 },
  });
  return { store, prefix };
}
