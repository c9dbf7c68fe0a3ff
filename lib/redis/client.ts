import { Cluster, Redis } from "ioredis";
import { getConfig, type RedisTarget } from "../config";
import { log } from "../log";
import { processSingleton } from "../process-singleton";
import type { RedisClient } from "./lua-command";
import { redisCommandTimeoutMs } from "./timeouts";

const connectTimeoutMs = 2_000;
const maxReconnectDelayMs = 2_000;
/** How often a Cluster client reloads the slot map, whatever happens. */
const clusterSlotsRefreshIntervalMs = 2_000;
/** Log a lasting outage once this often, not on every failed reconnect. */
const errorLogIntervalMs = 10_000;

const reconnectDelay = (attempt: number) => Math.min(attempt * 100, maxReconnectDelayMs);

/**
 * Creates the client for `target`: ioredis' `Redis` for one server, its `Cluster` for a
 * Redis Cluster. Either reconnects forever and fails each command quickly.
 */
export function createRedisClient(target: RedisTarget): RedisClient {
  // While Redis is away a command fails at once instead of joining a queue that grows
  // with every request: the request gets its 503 now, not after a timeout. No
  // auto-pipelining: it made /api/me 1.3× faster, but a pipeline that never completes
  // holds every later command to that node for good (api-refresh.e2e wedged that way).
  const client =
    target.kind === "cluster"
      ? new Cluster(target.nodes, {
          lazyConnect: true,
          enableOfflineQueue: false,
          // The slot map is reloaded every few seconds, not only when a command is
          // redirected: an instance idle during a failover knows the new masters before
          // its next request (logout-after-failover.e2e).
          slotsRefreshInterval: clusterSlotsRefreshIntervalMs,
          clusterRetryStrategy: reconnectDelay,
          redisOptions: {
            connectTimeout: connectTimeoutMs,
            commandTimeout: redisCommandTimeoutMs,
            maxRetriesPerRequest: 1,
          },
        })
      : new Redis(target.url, {
          lazyConnect: true,
          connectTimeout: connectTimeoutMs,
          commandTimeout: redisCommandTimeoutMs,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          retryStrategy: reconnectDelay,
        });
  let lastErrorLoggedAt = 0;
  // Without a listener, an `error` event would crash the process.
  client.on("error", (error: Error) => {
    const now = Date.now();
    if (now - lastErrorLoggedAt < errorLogIntervalMs) return;
    lastErrorLoggedAt = now;
    log.error({ err: { message: error.message } }, "redis error");
  });
  client.on("ready", () => {
    if (lastErrorLoggedAt !== 0) log.info("redis connection restored");
    lastErrorLoggedAt = 0;
  });
  return client;
}

/**
 * The process's one Redis client. It connects when the server starts (see
 * `lib/startup.ts`) and reconnects by itself, forever, after any outage.
 */
export const redis = processSingleton("redis", () =>
  createRedisClient(getConfig().redis),
);

let everReady = false;
redis.once("ready", () => {
  everReady = true;
});

/** Whether the client is connected now; checking costs no round trip. */
export function isRedisReady(): boolean {
  if (redis.status === "ready") everReady = true;
  return redis.status === "ready";
}

/**
 * Whether Redis can serve a request now. Right after start-up the first connection may
 * still be on its way: then wait for it, up to `maxWaitMs`. Once the client has been
 * ready, a lost connection is an outage and the answer is `false` at once.
 */
export async function redisReadyForRequest(maxWaitMs = 2_000): Promise<boolean> {
  if (isRedisReady()) return true;
  if (everReady) return false;
  return new Promise<boolean>((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      resolve(ready);
    };
    const onReady = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(isRedisReady()), maxWaitMs);
    redis.once("ready", onReady);
    redis.once("error", onError);
  });
}

/**
 * Whether the store can serve: PING for one Redis; for a cluster, every master says
 * `cluster_state:ok` (a cluster with unassigned or failed slots answers some keys only).
 */
export async function checkRedisServes(): Promise<boolean> {
  // `isCluster`, not `instanceof`: the client may come from another Next bundle's copy.
  if (!redis.isCluster) return (await redis.ping()) === "PONG";
  const masters = (redis as Cluster).nodes("master");
  if (masters.length === 0) return false;
  const states = await Promise.all(masters.map((node) => node.cluster("INFO")));
  return states.every((info) => /^cluster_state:ok\s*$/m.test(String(info)));
}
