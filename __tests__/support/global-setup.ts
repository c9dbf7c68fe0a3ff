import { provideRedis } from "../../dev/harness/redis-provider";
import { provideRedisCluster } from "../../dev/harness/redis-cluster";

// One Redis and one Redis Cluster for the whole run; every test file works under its
// own key prefix.
export default async function globalSetup(): Promise<void> {
  const [single, cluster] = await Promise.allSettled([
    provideRedis(),
    provideRedisCluster(),
  ]);
  // Whichever did start must not outlive a run that cannot begin.
  if (single.status === "rejected") {
    if (cluster.status === "fulfilled") await cluster.value.stop();
    throw single.reason;
  }
  if (cluster.status === "rejected") {
    await single.value.stop();
    throw cluster.reason;
  }
  const redis = single.value;
  process.env.REDIS_URL = redis.url;
  process.env.TEST_REDIS_SOURCE = redis.source;
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.value.nodes.join(",");
  Object.assign(globalThis, {
    __testRedis: redis,
    __testRedisCluster: cluster.value,
  });
}
