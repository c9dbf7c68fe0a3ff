import type { NextApiRequest, NextApiResponse } from "next";
import { getConfig } from "../../lib/config";
import { checkReadiness } from "../../lib/health/readiness";
import { log } from "../../lib/log";
import { isProviderUp } from "../../lib/provider";
import { checkRedisServes, redis } from "../../lib/redis/client";
import { createThrottledEvictionPolicyCheck } from "../../lib/redis/eviction-policy";
import { processSingleton } from "../../lib/process-singleton";

// One per process, so that its log throttle holds across bundles and hot reloads.
const checkRedisEvictionPolicy = () =>
  processSingleton("redisEvictionPolicyCheck", () =>
    createThrottledEvictionPolicyCheck({
      redis,
      acceptEviction: getConfig().redis.acceptEviction,
      log,
    }),
  )();

/**
 * Readiness: Redis answers and does not evict (or `REDIS_ACCEPT_EVICTION=true`), and
 * the provider's discovery document loads.
 */
export default async function ready(_req: NextApiRequest, res: NextApiResponse) {
  const result = await checkReadiness({
    redisServes: checkRedisServes,
    redisEvictionPolicy: checkRedisEvictionPolicy,
    providerUp: isProviderUp,
  });
  res.setHeader("Cache-Control", "no-store");
  res.status(result.ready ? 200 : 503).json({
    status: result.ready ? "ready" : "unavailable",
    checks: result.checks,
  });
}
