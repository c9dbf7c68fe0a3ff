/**
 * What one session costs in Redis memory, measured by the store itself: creates
 * `count` sessions through `RedisSessionStore.set` (one user each, as most sessions
 * are), reads `used_memory` before and after and sums `MEMORY USAGE` of every key they
 * made, then removes them. Run directly (`tsx dev/harness/session-memory.ts <redis-url>
 * <count>`) it prints the result as one JSON line, which is how the throughput bench
 * measures the very code it benchmarks. bench/session-footprint.ts passes other
 * sessions (real-shaped ones) and another store (the SDK's documented one) beside it.
 */
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { Redis } from "ioredis";
import { fixtureStore } from "./fixture-store";
import { scanKeysUnder } from "./scan-keys";
import { storeSessions } from "./session-fixtures";

/** The keys of one kind (`session`, `user`, …: the name after the prefix). */
export interface KeyKindMemory {
  kind: string;
  keysPerSession: number;
  /** Mean `MEMORY USAGE` of one such key. */
  bytesPerKey: number;
  /** `OBJECT ENCODING` of such keys (listpack, hashtable, embstr, …), each once. */
  encodings: string[];
}

/** What is measured: by default the app's store with small fixture sessions. */
export interface MeasureOptions {
  /** The i-th session stored. @default storeSessions' own */
  sessionFor?: (i: number) => SessionData;
  /** The store, under a key prefix nothing else uses. @default fixtureStore's */
  store?: (redis: Redis) => {
    store: { set(id: string, session: SessionData): Promise<void> };
    prefix: string;
  };
}

export interface SessionMemory {
  sessions: number;
  /** `INFO memory` used_memory after minus before, divided by `sessions`. */
  usedMemoryPerSession: number;
  /** The sum of `MEMORY USAGE` over every key the sessions made, divided by `sessions`. */
  memoryUsagePerSession: number;
  keysPerSession: number;
  /** Where the bytes go, by kind of key. */
  keyKinds: KeyKindMemory[];
}

const batch = 200;

export async function measureSessionMemory(
  redisUrl: string,
  count: number,
  options: MeasureOptions = {},
): Promise<SessionMemory> {
  const redis = new Redis(redisUrl);
  const { store, prefix } = (options.store ?? defaultStore)(redis);
  try {
    const before = await usedMemory(redis);
    await storeSessions(store, count, options.sessionFor, batch);
    const after = await usedMemory(redis);
    const keys = await scanKeysUnder(redis, prefix);
    let memoryUsage = 0;
    const kinds = new Map<
      string,
      { keys: number; bytes: number; encodings: Set<string> }
    >();
    for (const key of keys) {
      const bytes = Number(await redis.memory("USAGE", key, "SAMPLES", 0));
      memoryUsage += bytes;
      const name = /^[^:{]*/.exec(key.slice(prefix.length))![0];
      const kind = kinds.get(name) ?? { keys: 0, bytes: 0, encodings: new Set() };
      kind.keys += 1;
      kind.bytes += bytes;
      kind.encodings.add(String(await redis.object("ENCODING", key)));
      kinds.set(name, kind);
    }
    for (let i = 0; i < keys.length; i += 1000)
      await redis.del(...keys.slice(i, i + 1000));
    return {
      sessions: count,
      usedMemoryPerSession: (after - before) / count,
      memoryUsagePerSession: memoryUsage / count,
      keysPerSession: keys.length / count,
      keyKinds: [...kinds].map(([kind, { keys: n, bytes, encodings }]) => ({
        kind,
        keysPerSession: n / count,
        bytesPerKey: bytes / n,
        encodings: [...encodings].sort(),
      })),
    };
  } finally {
    await redis.quit();
  }
}

function defaultStore(redis: Redis) {
  return fixtureStore(redis, "session-memory");
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
