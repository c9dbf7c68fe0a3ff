import { createHash } from "node:crypto";
import type { Cluster } from "ioredis";
import type { SessionLifetime } from "../config";
import { SessionStoreUnavailableError } from "../errors";
import { timeRedisCommand, type PlainRedisCommand } from "../metrics/registry";
import { commandBatcherOf } from "../redis/command-batch";
import { runLuaCommand, type LuaCommand, type RedisClient } from "../redis/lua-command";
import { redisCommandTimeoutMs } from "../redis/timeouts";
import type { SessionKeys } from "./keys";
import { forgetSessionReads } from "./read-scope";

/** What every part of the session store works with. */
export interface StoreContext {
  redis: RedisClient;
  keys: SessionKeys;
  lifetime: SessionLifetime;
  /** Epoch seconds. */
  now: () => number;
}

/**
 * Runs a Redis call; a failure of Redis itself, or no answer within
 * {@link redisCommandTimeoutMs}, becomes SessionStoreUnavailableError: the request's 503
 * comes within that time, whatever the call waits on inside the client. A call of one
 * plain command names it (`command`) to be timed under that name (Lua commands are
 * timed by runLuaCommand).
 */
export async function reachRedis<T>(
  call: () => Promise<T>,
  command?: PlainRedisCommand,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from Redis within ${redisCommandTimeoutMs} ms`)),
      redisCommandTimeoutMs,
    );
  });
  try {
    const answer = command === undefined ? call() : timeRedisCommand(command, call);
    return await Promise.race([answer, deadline]);
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
  return reachRedis(() =>
    retryingRedirection(redis, () => runLuaCommand(redis, command, keys, args)),
  );
}

/**
 * Runs a read of one key in the batch of its turn of the event loop (one write per
 * Redis node for every read asked meanwhile: lib/redis/command-batch.ts), as
 * {@link runCommand} runs a Lua command: the same deadline, the same redirection retry.
 */
export function runBatchedRead(
  redis: RedisClient,
  command: PlainRedisCommand,
  key: string,
): Promise<unknown> {
  const batched = commandBatcherOf(redis);
  return reachRedis(
    () => retryingRedirection(redis, () => batched(command, key, [])),
    command,
  );
}

/** `call`, and on a cluster's MOVED or ASK, `call` once more with a fresh slot map. */
async function retryingRedirection<T>(
  redis: RedisClient,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!redis.isCluster || !isRedirection(error)) throw error;
    await refreshSlotMap(redis as Cluster);
    return call();
  }
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

/** The store id in a user index member (`<id>:<sid digest>`). */
export function idOfMember(member: string): string {
  return member.slice(0, member.indexOf(":"));
}

/**
 * A user index member: the session's store id and a digest of its provider sid (the
 * first {@link sidDigestLength} hex digits of its SHA-1; "" without a sid), so a member
 * stays within the 64 bytes Redis keeps a small sorted set compact for (a listpack: 152
 * bytes for a user's one session; `<id>:<sid>` overran it, a skiplist of 1 KB). A sid
 * logout picks the members of the sid by that digest: two sids of one user with the
 * same 64-bit digest are as likely as guessing one (the provider picks sids, at random).
 */
export function memberOf(id: string, sid: string): string {
  return `${id}:${sidDigest(sid)}`;
}

/** Hex digits of a sid's SHA-1 in a member; Lua computes the same with redis.sha1hex. */
export const sidDigestLength = 16;

/** The digest of a sid that members carry (not a secret; "" for no sid). */
function sidDigest(sid: string): string {
  if (sid === "") return "";
  return createHash("sha1").update(sid).digest("hex").slice(0, sidDigestLength);
}
