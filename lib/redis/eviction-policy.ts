import type { Cluster, Redis } from "ioredis";
import type { RedisClient } from "./lua-command";

/** The one `maxmemory-policy` under which Redis never drops a key to make room. */
export const requiredEvictionPolicy = "noeviction";

/** What the check reports for a server whose `INFO memory` does not say its policy. */
export const unknownEvictionPolicy = "unknown";

/**
 * `/api/ready` is polled every few seconds by each load balancer: it logs a refused
 * policy at most this often per policy, enough to keep an alert firing, not a flood.
 */
export const evictionPolicyLogIntervalMs = 60_000;

/** The policy of one server: the single Redis, or one master of a cluster. */
export interface ServerEvictionPolicy {
  /** `host:port` as the client knows it. */
  server: string;
  /** As `INFO memory` says it (`noeviction`, `allkeys-lru`, …), or `unknown`. */
  policy: string;
}

/** Whether the Redis behind the client may evict, and whether that is accepted. */
export type EvictionPolicyCheck =
  /** Every server says `noeviction`. */
  | { verdict: "safe"; servers: ServerEvictionPolicy[] }
  /** A server may evict (`policy` is the first such) and nothing accepts it. */
  | { verdict: "refused"; policy: string; servers: ServerEvictionPolicy[] }
  /** A server may evict, and `REDIS_ACCEPT_EVICTION=true` accepts the risk. */
  | { verdict: "accepted"; policy: string; servers: ServerEvictionPolicy[] };

/** The logger the check reports to (pino's `log` in the app). */
export interface EvictionPolicyLog {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The `maxmemory_policy` of an `INFO memory` (or full `INFO`) reply, if it has one. */
export function parseEvictionPolicy(info: string): string | undefined {
  return /^maxmemory_policy:([^\s]+)\s*$/m.exec(info)?.[1];
}

/**
 * The verdict on the policies read from each server: `safe` only when every one is
 * `noeviction`. A policy that could not be read counts as evicting: a logout that
 * misses sessions is not a risk this app takes on a guess.
 */
export function judgeEvictionPolicies(
  servers: ServerEvictionPolicy[],
  acceptEviction: boolean,
): EvictionPolicyCheck {
  const evicting = servers.find((server) => server.policy !== requiredEvictionPolicy);
  if (servers.length > 0 && !evicting) return { verdict: "safe", servers };
  const policy = evicting?.policy ?? unknownEvictionPolicy;
  return { verdict: acceptEviction ? "accepted" : "refused", policy, servers };
}

/**
 * Reads the eviction policy of the single Redis, or of every master of a cluster, with
 * `INFO memory` (`CONFIG GET` is often disabled on managed Redis), and judges it.
 * @throws whatever the client throws when a server cannot be reached; a server that
 * refuses `INFO` (an ACL without it) is reported with policy `unknown` instead.
 */
export async function checkEvictionPolicy(
  redis: RedisClient,
  options: { acceptEviction: boolean },
): Promise<EvictionPolicyCheck> {
  // `isCluster`, not `instanceof`: the client may come from another Next bundle's copy.
  const servers: Redis[] = redis.isCluster
    ? (redis as Cluster).nodes("master")
    : [redis as Redis];
  // Before its first connection a cluster client knows no node: nothing to judge yet.
  if (servers.length === 0) throw new Error("no Redis Cluster master is known yet");
  const policies = await Promise.all(servers.map(readServerPolicy));
  return judgeEvictionPolicies(policies, options.acceptEviction);
}

async function readServerPolicy(server: Redis): Promise<ServerEvictionPolicy> {
  const name = `${server.options.host ?? "localhost"}:${server.options.port ?? 6379}`;
  try {
    const info = await server.info("memory");
    return { server: name, policy: parseEvictionPolicy(info) ?? unknownEvictionPolicy };
  } catch (error) {
    // By name: each Next bundle may carry its own copy of ioredis' error classes.
    if ((error as Error).name === "ReplyError") {
      return { server: name, policy: unknownEvictionPolicy };
    }
    throw error;
  }
}

/**
 * Logs what an operator must know of `check`: an error for a refused policy, a warning
 * for an accepted one, nothing when Redis does not evict. Each names
 * `maxmemory-policy`, the risk and the fix, under `event: "redis_eviction_policy"`.
 */
export function logEvictionPolicy(
  check: EvictionPolicyCheck,
  log: EvictionPolicyLog,
): void {
  if (check.verdict === "safe") return;
  const fields = {
    event: "redis_eviction_policy",
    policy: check.policy,
    servers: check.servers,
    accepted: check.verdict === "accepted",
  };
  const risk =
    "under memory pressure Redis may evict a user's session index or a logout marker, and a back-channel logout then misses that user's sessions and still answers 200";
  const fix =
    "set maxmemory-policy noeviction (redis-server --maxmemory-policy noeviction, or the managed service's parameter group)";
  const policy =
    check.policy === unknownEvictionPolicy
      ? "unknown (INFO memory did not say it; the Redis user needs the INFO command)"
      : check.policy;
  if (check.verdict === "accepted") {
    log.warn(
      fields,
      `Redis maxmemory-policy is ${policy}, accepted by REDIS_ACCEPT_EVICTION=true: ${risk}. To remove the risk, ${fix} and unset REDIS_ACCEPT_EVICTION.`,
    );
    return;
  }
  log.error(
    fields,
    `Redis maxmemory-policy is ${policy}, not noeviction: ${risk}. /api/ready answers 503 until you ${fix}; or accept the risk with REDIS_ACCEPT_EVICTION=true.`,
  );
}

/**
 * The start-up check: as soon as the client is ready (now, or on its first connection
 * if Redis is not up yet), reads the policy once and logs it. Resolves when that is
 * done, or at once when the client is not ready yet. Never throws: a Redis that cannot
 * be read now is `/api/ready`'s to report.
 */
export async function checkEvictionPolicyWhenReady(
  redis: RedisClient,
  options: { acceptEviction: boolean; log: EvictionPolicyLog },
): Promise<void> {
  const checkAndLog = async () => {
    try {
      logEvictionPolicy(await checkEvictionPolicy(redis, options), options.log);
    } catch (error) {
      options.log.warn(
        { event: "redis_eviction_policy", err: { message: (error as Error).message } },
        "could not read Redis maxmemory-policy at start-up; /api/ready keeps checking it",
      );
    }
  };
  if (redis.status === "ready") return checkAndLog();
  redis.once("ready", () => void checkAndLog());
}

/**
 * The check for a caller that asks often (`/api/ready`): each call reads the policy,
 * and a refused one is logged at most once per `logIntervalMs` per policy. An accepted
 * one is not logged here: start-up warns about it.
 */
export function createThrottledEvictionPolicyCheck(options: {
  redis: RedisClient;
  acceptEviction: boolean;
  log: EvictionPolicyLog;
  /** @default evictionPolicyLogIntervalMs */
  logIntervalMs?: number;
  /** Injected so tests can move time; epoch milliseconds. @default Date.now */
  now?: () => number;
}): () => Promise<EvictionPolicyCheck> {
  const interval = options.logIntervalMs ?? evictionPolicyLogIntervalMs;
  const now = options.now ?? Date.now;
  const loggedAt = new Map<string, number>();
  return async () => {
    const check = await checkEvictionPolicy(options.redis, options);
    if (check.verdict === "refused") {
      const last = loggedAt.get(check.policy);
      const at = now();
      if (last === undefined || at - last >= interval) {
        loggedAt.set(check.policy, at);
        logEvictionPolicy(check, options.log);
      }
    }
    return check;
  };
}
