import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { scanKeysUnder } from "../../dev/harness/scan-keys";

/** A client on the run's Redis and a key prefix no other test file uses. */
export function connectTestRedis(): { redis: Redis; prefix: string } {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: the jest globalSetup provides it");
  return { redis: new Redis(url), prefix: uniquePrefix() };
}

/** A client on the run's Redis Cluster and a key prefix no other test file uses. */
export function connectTestRedisCluster(): { redis: Cluster; prefix: string } {
  const nodes = process.env.TEST_REDIS_CLUSTER_NODES;
  if (!nodes)
    throw new Error(
      "TEST_REDIS_CLUSTER_NODES is not set: the jest globalSetup provides it",
    );
  return { redis: new Cluster(nodes.split(",")), prefix: uniquePrefix() };
}

function uniquePrefix(): string {
  return `test:${randomBytes(6).toString("hex")}:`;
}

/** The keys under `prefix`, on every master of a cluster (tests may scan; the app never does). */
export async function keysUnder(
  redis: Redis | Cluster,
  prefix: string,
): Promise<string[]> {
  const servers = redis instanceof Cluster ? await mastersOf(redis) : [redis];
  const found = await Promise.all(servers.map((server) => scanKeysUnder(server, prefix)));
  return found.flat().sort();
}

/** The cluster's masters; the node list fills in once it is ready, which a command awaits. */
export async function mastersOf(cluster: Cluster): Promise<Redis[]> {
  await cluster.ping();
  return cluster.nodes("master");
}

/** Removes every key under `prefix`: the clean slate between tests. */
export async function clearPrefix(redis: Redis | Cluster, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length === 0) return;
  // One DEL per key on a cluster: a multi-key DEL must stay within one hash slot.
  if (redis instanceof Cluster) await Promise.all(keys.map((key) => redis.del(key)));
  else await redis.del(...keys);
}

/** The two kinds of Redis every store-level suite runs against. */
export type TestBackend = "single Redis" | "Redis Cluster";
export const testBackends: readonly TestBackend[] = ["single Redis", "Redis Cluster"];

/** A client of `backend` and a key prefix no other test file uses. */
export function connectTestBackend(backend: TestBackend): {
  redis: Redis | Cluster;
  prefix: string;
} {
  return backend === "Redis Cluster" ? connectTestRedisCluster() : connectTestRedis();
}
