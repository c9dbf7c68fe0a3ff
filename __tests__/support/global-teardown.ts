import type { ProvidedRedis } from "../../dev/harness/redis-provider";
import type { ProvidedRedisCluster } from "../../dev/harness/redis-cluster";

export default async function globalTeardown(): Promise<void> {
  const provided = globalThis as {
    __testRedis?: ProvidedRedis;
    __testRedisCluster?: ProvidedRedisCluster;
  };
  await Promise.all([provided.__testRedis?.stop(), provided.__testRedisCluster?.stop()]);
}
