import type { Redis } from "ioredis";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser";
import { startStack, type Stack, type StackOptions } from "./stack";
import { clearPrefix, connectTestRedis } from "./test-redis";

/** What an end-to-end test file works with: the stack, Chromium, and its Redis keys. */
export interface E2eEnv {
  stack: Stack;
  browser: Browser;
  redis: Redis;
  prefix: string;
  /** Closes the browser, stops the stack and removes the file's Redis keys. */
  close(): Promise<void>;
}

/** Starts the stack under a key prefix of its own, and Chromium beside it. */
export async function startE2eEnv(
  options: Omit<StackOptions, "keyPrefix"> = {},
): Promise<E2eEnv> {
  const { redis, prefix } = connectTestRedis();
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
