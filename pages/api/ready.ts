import type { NextApiRequest, NextApiResponse } from "next";
import { isProviderUp } from "../../lib/provider";
import { checkReadiness } from "../../lib/health/readiness";
import { checkRedisServes } from "../../lib/redis/client";

/** Readiness: Redis answers and the provider's discovery document loads. */
export default async function ready(_req: NextApiRequest, res: NextApiResponse) {
  const result = await checkReadiness({
    redisServes: checkRedisServes,
    providerUp: isProviderUp,
  });
  res.setHeader("Cache-Control", "no-store");
  res.status(result.ready ? 200 : 503).json({
    status: result.ready ? "ready" : "unavailable",
    checks: result.checks,
  });
}
