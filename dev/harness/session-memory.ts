/**
 * What one session costs in Redis memory, measured by the store itself: creates
 * `count` sessions through `RedisSessionStore.set` (one user each, as most sessions
 * are), reads `used_memory` before and after and sums `MEMORY USAGE` of every key they
 * made, then removes them. Run directly (`tsx dev/harness/session-memory.ts <redis-url>
 * <count>`) it prints the result as one JSON line, which is how the throughput bench
 * measures the very code it benchmarks.
 */
import { Redis } from "ioredis";
import { fixtureStore } from "./fixture-store";
import { scanKeysUnder } from "./scan-keys";
import { storeSessions } from "./session-fixtures";

export interface SessionMemory {
  sessions: number;
  /** `INFO memory` used_memory after minus before, divided by `sessions`. */
  usedMemoryPerSession: number;
  /** The sum of `MEMORY USAGE` over every key the sessions made, divided by `sessions`. */
  memoryUsagePerSession: number;
  keysPerSession: number;
}

const batch = 200;

export async function measureSessionMemory(
  redisUrl: string,
  count: number,
): Promise<SessionMemory> {
  const redis = new Redis(redisUrl);
  const { store, prefix } = fixtureStore(redis, "session-memory");
  try {
    const before = await usedMemory(redis);
    await storeSessions(store, count, undefined, batch);
    const after = await usedMemory(redis);
    const keys = await scanKeysUnder(redis, prefix);
    let memoryUsage = 0;
    for (const key of keys) {
      memoryUsage += Number(await redis.memory("USAGE", key, "SAMPLES", 0));
    }
    for (let i = 0; i < keys.length; i += 1000)
      await redis.del(...keys.slice(i, i + 1000));
    return {
      sessions: count,
      usedMemoryPerSession: (after - before) / count,
      memoryUsagePerSession: memoryUsage / count,
      keysPerSession: keys.length / count,
    };
  } finally {
    await redis.quit();
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error("INFO memory has no used_memory line");
  return Number(match[1]);
}

if (require.main === module) {
  const [url, count] = process.argv.slice(2);
  if (!url || !count) {
    console.error("usage: tsx dev/harness/session-memory.ts <redis-url> <count>");
    process.exit(2);
  }
  void measureSessionMemory(url, Number(count)).then((result) =>
    console.log(JSON.stringify(result)),
  );
}
