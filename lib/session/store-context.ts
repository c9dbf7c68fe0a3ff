import type { Cluster } from "ioredis";
import type { SessionLifetime } from "../config";
import { SessionStoreUnavailableError } from "../errors";
import { runLuaCommand, type LuaCommand, type RedisClient } from "../redis/lua-command";
import { redisCommandTimeoutMs } from "../redis/timeouts";
import type { SessionKeys } from "./keys";
import { forgetSessionReads } from "./read-scope";

/** What every part of the session store works with. */
export interface StoreContext {
  redis: RedisClient;
  keys: SessionKeys;
  lifetime: SessionLifetime;
  /**
   * The namespace of this app's provider in key names: its base URL from AUTH0_DOMAIN,
   * with a trailing slash. Tokens are checked against the provider's own issuer before
   * they reach the store.
   */
  issuer: string;
  /** Epoch seconds. */
  now: () => number;
}

/**
 * Runs a Redis call; a failure of Redis itself, or no answer within
 * {@link redisCommandTimeoutMs}, becomes SessionStoreUnavailableError: the request's 503
 * comes within that time, whatever the call waits on inside the client.
 */
export async function reachRedis<T>(call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from Redis within ${redisCommandTimeoutMs} ms`)),
      redisCommandTimeoutMs,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (error) {
    throw new SessionStoreUnavailableError(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one Lua command (see lua-command.ts) as {@link reachRedis} runs a call. On a
 * cluster, a redirection the client did not follow itself (MOVED or ASK: the slot has
 * another owner after a failover or a resharding, and the node did not run it; ioredis
 * hands one back past its redirection limit) reloads the slot map and is sent once
 * more, within the same deadline.
 */
export function runCommand(
  redis: RedisClient,
  command: LuaCommand,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  return reachRedis(async () => {
    try {
      return await runLuaCommand(redis, command, keys, args);
    } catch (error) {
      if (!redis.isCluster || !isRedirection(error)) throw error;
      await refreshSlotMap(redis as Cluster);
      return runLuaCommand(redis, command, keys, args);
    }
  });
}

function isRedirection(error: unknown): boolean {
  // Bare, or as ioredis wraps the last one past its limit.
  return (
    error instanceof Error &&
    /^(Too many Cluster redirections\. Last error: ReplyError: )?(MOVED|ASK) /.test(
      error.message,
    )
  );
}

/** ioredis' own reload of the slot map (one at a time, whoever asks); its failure leaves the map. */
function refreshSlotMap(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
}

/**
 * Runs a write of sessions: what this request read of them is forgotten before it
 * starts and again once it is done (a read in between would hold the old value).
 */
export async function changingSessions<T>(write: () => Promise<T>): Promise<T> {
  forgetSessionReads();
  try {
    return await write();
  } finally {
    forgetSessionReads();
  }
}

/** The store id in a user index member (`<id>:<sid>`). */
export function idOfMember(member: string): string {
  return member.slice(0, member.indexOf(":"));
}

/** A user index member: the session's store id and its provider sid. */
export function memberOf(id: string, sid: string): string {
  return `${id}:${sid}`;
}
