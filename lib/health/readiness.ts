import type { EvictionPolicyCheck } from "../redis/eviction-policy";

/** The state of one dependency, as `/api/ready` reports it. */
export type CheckState = "up" | "down";

export interface Readiness {
  ready: boolean;
  checks: {
    redis: CheckState;
    provider: CheckState;
    /**
     * Present only when Redis may evict keys: its `maxmemory-policy` (e.g.
     * `allkeys-lru`). Then `redis` is `down`, unless `REDIS_ACCEPT_EVICTION=true`.
     */
    evictionPolicy?: string;
  };
}

const checkTimeoutMs = 2_000;

/**
 * Whether this instance can serve logins and logouts: Redis can serve (PING; on a
 * cluster, every master's `cluster_state:ok`) and will not evict keys (see
 * redis/eviction-policy.ts), and the provider's discovery document loads (see
 * provider/health.ts). All run at once, bounded in time.
 */
export async function checkReadiness(deps: {
  /** Resolves `true` when the session store can serve (PING, or the cluster's state). */
  redisServes: () => Promise<boolean>;
  /** The Redis eviction policy's verdict. @default not checked */
  redisEvictionPolicy?: () => Promise<EvictionPolicyCheck>;
  providerUp: () => Promise<boolean>;
}): Promise<Readiness> {
  const [redis, providerUp] = await Promise.all([
    withTimeout(
      Promise.all([deps.redisServes(), deps.redisEvictionPolicy?.()]),
      checkTimeoutMs,
    ).then(
      ([serves, policy]) => ({ serves, policy }),
      () => ({ serves: false, policy: undefined }),
    ),
    deps.providerUp(),
  ]);
  const { policy } = redis;
  const redisUp = redis.serves && policy?.verdict !== "refused";
  const state = (up: boolean): CheckState => (up ? "up" : "down");
  return {
    ready: redisUp && providerUp,
    checks: {
      redis: state(redisUp),
      provider: state(providerUp),
      ...(policy && policy.verdict !== "safe" ? { evictionPolicy: policy.policy } : {}),
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
