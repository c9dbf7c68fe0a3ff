import type { SignInDevice } from "./sign-in-device";
import { luaCommand } from "../redis/lua-command";
import {
  encodeSessionRecord,
  recordLua,
  recordTimes,
  sessionDataOf,
  signInOf,
} from "./session-record";
import {
  reachRedis,
  runBatchedRead,
  runCommand,
  type StoreContext,
} from "./store-context";

// The commands on one session's key, a string in the format of session-record.ts. Each
// touches that one key (or, setKeptUntil, one other), so it runs unchanged on a single
// Redis and on a Redis Cluster; each has one typed wrapper here, the only place its
// arguments are put in order.

/**
 * Reads a session: one GET, sent in the batch of its turn of the event loop
 * (runBatchedRead), and no Lua, so a busy server sends many requests' reads in one write.
 * At most once per `touchEverySeconds` it also records the activity and (rolling
 * sessions) moves the expiry to min(deadline, now + inactivity), by a command of its own
 * that the request does not wait for: a write at most once a minute however busy the
 * session is. A record past its deadline is no session (its key expires then anyway).
 * @returns the SDK's session (serialised), or null when it is gone or past its deadline.
 */
export async function readSessionData(
  ctx: StoreContext,
  key: string,
  touchEverySeconds: number,
): Promise<string | null> {
  const record = (await runBatchedRead(ctx.redis, "get", key)) as string | null;
  if (record === null) return null;
  const times = recordTimes(record);
  const now = ctx.now();
  if (times === null || now >= times.deadline) return null;
  if (now - times.activeAt >= touchEverySeconds) touchSession(ctx, key, now);
  return sessionDataOf(record);
}

// allow-oom: a full Redis (noeviction) refuses scripts that may write, but this one
// only rewrites ten bytes in place and moves an expiry, which free memory rather than
// take it; without the flag every touch fails while reads still succeed, and active
// users would be signed out at their inactivity deadline.
const touchLua = luaCommand(
  "sessionTouch",
  1,
  `#!lua flags=allow-oom
${recordLua}
local key = KEYS[1]
local now, inactivity = tonumber(ARGV[1]), tonumber(ARGV[2])
local v = redis.call('GETRANGE', key, 0, 31)
local deadline = recordDeadline(v)
if not deadline or now >= deadline or now <= (recordActiveAt(v) or 0) then return 0 end
redis.call('SETRANGE', key, activeAtOffset, tenDigits(now))
if ARGV[3] == '1' then redis.call('EXPIREAT', key, math.min(deadline, now + inactivity)) end
return 1
`,
);

/** Keys whose touch is on its way: one at a time per session, however many requests. */
const touching = new Set<string>();

/**
 * Records a session's activity, unless it is gone, past its deadline or already touched
 * since `now` (GETRANGE on a missing key gives "", which is no record: nothing is
 * written, so a touch never brings back a session a logout deleted). Not awaited: a
 * touch that fails is tried again by the session's next read, as its activity still
 * looks old.
 */
function touchSession(ctx: StoreContext, key: string, now: number): void {
  if (touching.has(key)) return;
  touching.add(key);
  const { lifetime } = ctx;
  runCommand(
    ctx.redis,
    touchLua,
    [key],
    [now, lifetime.inactivityDuration, lifetime.rolling ? 1 : 0],
  )
    .catch(() => undefined)
    .finally(() => touching.delete(key));
}

/** A new session: the SDK's, and what its record holds besides. */
export interface NewSession {
  /** The session as the SDK gave it, serialised. */
  data: string;
  /** The absolute deadline (epoch seconds). */
  deadline: number;
  now: number;
  /** When the key expires (inactivity or the deadline). */
  expireAt: number;
  /** When the session's access token expires; 0 without one. */
  tokenExpiresAt: number;
  device: SignInDevice;
}

/** Writes a new session, one SET (a login's first step; it is listed afterwards). */
export async function writeNewSession(
  ctx: StoreContext,
  key: string,
  session: NewSession,
): Promise<void> {
  const record = encodeSessionRecord(
    {
      deadline: session.deadline,
      activeAt: session.now,
      tokenExpiresAt: session.tokenExpiresAt,
      device: session.device,
    },
    session.data,
  );
  await reachRedis(() => ctx.redis.set(key, record, "EXAT", session.expireAt), "set");
}

const keptUntilLua = luaCommand(
  "setKeptUntil",
  1,
  `
local keepUntil = math.max(redis.call('EXPIRETIME', KEYS[1]), tonumber(ARGV[2]))
redis.call('SET', KEYS[1], ARGV[1], 'EXAT', keepUntil)
return 1
`,
);

/** Sets `key` to `value`, kept at least until `keepUntil` (a later expiry stays). */
export async function setKeptUntil(
  ctx: StoreContext,
  key: string,
  value: string,
  keepUntil: number,
): Promise<void> {
  await runCommand(ctx.redis, keptUntilLua, [key], [value, keepUntil]);
}

const updateLua = luaCommand(
  "sessionUpdate",
  1,
  `${recordLua}
local key, now, inactivity = KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('GET', key)
if not v then return 0 end
local deadline = recordDeadline(v)
if not deadline then return 0 end
if now >= deadline then
  redis.call('DEL', key)
  return 0
end
local written = 1
local stored, incoming = recordTokenExpiresAt(v), tonumber(ARGV[5]) or 0
if stored and incoming < stored then
  written = 2
  redis.call('SETRANGE', key, activeAtOffset, tenDigits(now))
else
  redis.call('SET', key, recordRewritten(v, now, incoming, ARGV[1]), 'KEEPTTL')
end
if ARGV[4] == '1' then redis.call('EXPIREAT', key, math.min(deadline, now + inactivity)) end
return written
`,
);

/**
 * Rewrites an existing session (refreshed tokens); never re-creates one that is gone,
 * and never puts back a token set older than the stored one (then only the activity is
 * recorded). Counts as activity: the expiry moves as on a read.
 */
export async function updateSessionData(
  ctx: StoreContext,
  key: string,
  data: string,
  tokenExpiresAt: number,
): Promise<"written" | "activity_only" | "gone"> {
  const { lifetime } = ctx;
  const result = await runCommand(
    ctx.redis,
    updateLua,
    [key],
    [
      data,
      ctx.now(),
      lifetime.inactivityDuration,
      lifetime.rolling ? 1 : 0,
      tokenExpiresAt,
    ],
  );
  return result === 1 ? "written" : result === 2 ? "activity_only" : "gone";
}

/**
 * Deletes a session, one GETDEL. @returns whose it was and its sid (to unlist it), or
 * null if it was already gone.
 */
export async function deleteSessionData(
  ctx: StoreContext,
  key: string,
): Promise<{ sub: string; sid: string } | null> {
  const record = await reachRedis(() => ctx.redis.getdel(key), "getdel");
  const data = record === null ? null : sessionDataOf(record);
  return data === null ? null : signInOf(data);
}
