/** The state of one dependency, as `/api/ready` reports it. */
export type CheckState = "up" | "down";

export interface Readiness {
  ready: boolean;
  checks: { redis: CheckState; provider: CheckState };
}

const checkTimeoutMs = 2_000;

/**
 * Whether this instance can serve logins: Redis can serve (PING; on a cluster, every master's `cluster_state:ok`) and the provider's
 * discovery document loads (see provider-health.ts). Both run at once, bounded in time.
 */
export async function checkReadiness(deps: {
  /** Resolves `true` when the session store can serve (PING, or the cluster's state). */
  redisServes: () => Promise<boolean>;
  providerUp: () => Promise<boolean>;
}): Promise<Readiness> {
  const [redisUp, providerUp] = await Promise.all([
    withTimeout(deps.redisServes(), checkTimeoutMs).then(
      (serves) => serves,
      () => false,
    ),
    deps.providerUp(),
  ]);
  const state = (up: boolean): CheckState => (up ? "up" : "down");
  return {
    ready: redisUp && providerUp,
    checks: { redis: state(redisUp), provider: state(providerUp) },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
