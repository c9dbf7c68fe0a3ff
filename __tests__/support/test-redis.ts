import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** A client on the run's Redis and a key prefix no other test file uses. */
export function connectTestRedis(): { redis: Redis; prefix: string } {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: the jest globalSetup provides it");
  return { redis: new Redis(url), prefix: `test:${randomBytes(6).toString("hex")}:` };
}

/** The keys under `prefix` (tests may scan; the app never does). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== "0");
  return found.sort();
}

/** Removes every key under `prefix`: the clean slate between tests. */
export async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}
