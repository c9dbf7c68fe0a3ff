import { provideRedis } from "../../dev/harness/redis-provider";

// One Redis for the whole run; every test file works under its own key prefix.
export default async function globalSetup(): Promise<void> {
  const redis = await provideRedis();
  process.env.REDIS_URL = redis.url;
  process.env.TEST_REDIS_SOURCE = redis.source;
  (globalThis as { __testRedis?: typeof redis }).__testRedis = redis;
}
