import { Redis } from "ioredis";
import { getConfig } from "../config";
import { log } from "../log";
import { processSingleton } from "../process-singleton";

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
    // While Redis is away a command fails at once instead of joining a queue that
    // grows with every request: the request gets its 503 now, not after a timeout.
    enableOfflineQueue: false,
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

/**
 * The process's one Redis client. It connects when the server starts (see
 * `lib/startup.ts`) and reconnects by itself, forever, after any outage.
 */
export const redis = processSingleton("redis", () =>
  createRedisClient(getConfig().redis.url),
);

/** Whether the client is connected now; checking costs no round trip. */
export function isRedisReady(): boolean {
  return redis.status === "ready";
}
