import { Redis } from "ioredis";
import { getConfig } from "./env";
import { log } from "./log";
import { processSingleton } from "./process-singleton";

const connectTimeoutMs = 2_000;
const commandTimeoutMs = 2_000;
const maxReconnectDelayMs = 2_000;
/** Log a lasting outage once this often, not on every failed reconnect. */
const errorLogIntervalMs = 10_000;

/** Creates a Redis client that reconnects forever and fails each command quickly. */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    // A command waits for at most one reconnect attempt, then fails: a request
    // must get an answer (a 503 at worst), never hang while Redis is away.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
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

/** The process's one Redis client. */
export const redis = processSingleton("redis", () =>
  createRedisClient(getConfig().redis.url),
);
