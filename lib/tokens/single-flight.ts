import { randomBytes } from "node:crypto";
import { SessionStoreUnavailableError, SingleFlightTimeoutError } from "../errors";
import { timeRedisCommand } from "../metrics/registry";
import { luaCommand, runLuaCommand, type RedisClient } from "../redis/lua-command";

/** Timings of the cross-instance lock; see README "Calling an API". */
export interface SingleFlightTimings {
  /** How long a holder may keep the lock before others may take over. @default 10000 */
  lockTtlMs: number;
  /** How long a caller waits for another's result before giving up. @default 8000 */
  maxWaitMs: number;
  /** How often a waiting caller looks again. @default 50 */
  pollMs: number;
}

export const defaultSingleFlightTimings: SingleFlightTimings = {
  lockTtlMs: 10_000,
  maxWaitMs: 8_000,
  pollMs: 50,
};

/** Deletes the lock only if it is still ours: an expired lock may belong to another. */
const releaseLock = luaCommand(
  "releaseRefreshLock",
  1,
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/**
 * Runs `work` on at most one caller at a time across every instance sharing Redis, for
 * as long as `isDone()` says the result is not there yet. The others wait, polling
 * `isDone()`, and then `reuse()` the result. A holder that dies leaves a lock that
 * expires after `lockTtlMs`, and the next caller takes over.
 */
export async function singleFlight<T>(options: {
  redis: RedisClient;
  lockKey: string;
  isDone: () => Promise<boolean>;
  work: () => Promise<T>;
  reuse: () => Promise<T>;
  timings?: SingleFlightTimings;
}): Promise<T> {
  const { redis, lockKey, isDone, work, reuse } = options;
  const timings = options.timings ?? defaultSingleFlightTimings;
  const deadline = Date.now() + timings.maxWaitMs;
  for (;;) {
    if (await isDone()) return reuse();
    const owner = randomBytes(16).toString("hex");
    if (await takeLock(redis, lockKey, owner, timings.lockTtlMs)) {
      try {
        // Another holder may have finished between the look and the lock.
        return (await isDone()) ? await reuse() : await work();
      } finally {
        await runLuaCommand(redis, releaseLock, [lockKey], [owner]).catch(() => {});
      }
    }
    if (Date.now() >= deadline) throw new SingleFlightTimeoutError();
    await new Promise((resolve) => setTimeout(resolve, timings.pollMs));
  }
}

/** `SET NX PX`; a Redis that cannot answer is a store outage (503), not a bug (500). */
async function takeLock(
  redis: RedisClient,
  lockKey: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  try {
    const answer = await timeRedisCommand("set", () =>
      redis.set(lockKey, owner, "PX", ttlMs, "NX"),
    );
    return answer === "OK";
  } catch (error) {
    throw new SessionStoreUnavailableError(error);
  }
}
