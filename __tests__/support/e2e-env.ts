import type { Cluster, Redis } from "ioredis";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser";
import { startStack, type Stack, type StackOptions } from "./stack";
import { clearPrefix, connectTestRedis, connectTestRedisCluster } from "./test-redis";

/** What an end-to-end test file works with: the stack, Chromium, and its Redis keys. */
export interface E2eEnv<R extends Redis | Cluster = Redis> {
  stack: Stack;
  browser: Browser;
  redis: R;
  prefix: string;
  /** Closes the browser, stops the stack and removes the file's Redis keys. */
  close(): Promise<void>;
}

type E2eOptions = Omit<StackOptions, "keyPrefix">;

/** Starts the stack under a key prefix of its own, and Chromium beside it. */
export function startE2eEnv(options: E2eOptions = {}): Promise<E2eEnv> {
  return startWith(connectTestRedis(), options);
}

/** The same with the app on the run's real Redis Cluster alone (no REDIS_URL at all). */
export function startClusterE2eEnv(options: E2eOptions = {}): Promise<E2eEnv<Cluster>> {
  return startWith(connectTestRedisCluster(), {
    ...options,
    appEnv: {
      REDIS_URL: "",
      REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES!,
      ...options.appEnv,
    },
  });
}

async function startWith<R extends Redis | Cluster>(
  { redis, prefix }: { redis: R; prefix: string },
  options: E2eOptions,
): Promise<E2eEnv<R>> {
  const [stack, browser] = await Promise.all([
    startStack({ ...options, keyPrefix: prefix }),
    launchBrowser(),
  ]);
  return {
    stack,
    browser,
    redis,
    prefix,
    close: async () => {
      await browser.close();
      await stack.stop();
      await clearPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
