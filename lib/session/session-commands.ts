import type { SignInDevice } from "./sign-in-device";
import { luaCommand } from "../redis/lua-command";
import { runCommand, type StoreContext } from "./store-context";

// The commands on one session's key (its own hash slot). Each Lua script receives every
// key it touches in KEYS, so it runs unchanged on a single Redis and on a Redis Cluster;
// each has one typed wrapper here, the only place its arguments are put in order.

const readLua = luaCommand(
  "sessionRead",
  1,
  `
local key = KEYS[1]
local now, inactivity, every = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', key, 'data', 'activeAt', 'deadline')
if not v[1] then return false end
local deadline = tonumber(v[3])
if not deadline or now >= deadline then
  redis.call('DEL', key)
  return false
end
local activeAt = tonumber(v[2]) or 0
if now - activeAt >= every then
  redis.call('HSET', key, 'activeAt', now)
  if ARGV[4] == '1' then redis.call('EXPIREAT', key, math.min(deadline, now + inactivity)) end
end
return v[1]
`,
);

/**
 * Reads a session and, at most once per `touchEverySeconds`, records the activity and
 * (rolling sessions) moves its expiry to min(deadline, now + inactivity): one round
 * trip, and a write at most once a minute however busy the session is.
 * @returns the session's data, or null when it is gone or past its deadline.
 */
export async function readSessionData(
  ctx: StoreContext,
  key: string,
  touchEverySeconds: number,
): Promise<string | null> {
  const { lifetime } = ctx;
  return (await runCommand(
    ctx.redis,
    readLua,
    [key],
    [ctx.now(), lifetime.inactivityDuration, touchEverySeconds, lifetime.rolling ? 1 : 0],
  )) as string | null;
}

const writeNewLua = luaCommand(
  "sessionWriteNew",
  1,
  `
local key = KEYS[1]
redis.call('DEL', key)
redis.call('HSET', key, 'data', ARGV[1], 'user', ARGV[2], 'sid', ARGV[3],
  'createdAt', ARGV[4], 'deadline', ARGV[5], 'activeAt', ARGV[6], 'tokenExpiresAt', ARGV[8],
  'device', ARGV[9], 'browser', ARGV[10], 'os', ARGV[11], 'ip', ARGV[12])
redis.call('EXPIREAT', key, ARGV[7])
return 1
`,
);

/** What a new session's hash holds besides its data. */
export interface NewSession {
  /** The session as the SDK gave it, serialised. */
  data: string;
  userTag: string;
  /** The provider's sid, or "". */
  sid: string;
  createdAt: number;
  /** The absolute deadline (epoch seconds). */
  deadline: number;
  now: number;
  /** When the key expires (inactivity or the deadline). */
  expireAt: number;
  /** When the session's access token expires; 0 without one. */
  tokenExpiresAt: number;
  device: SignInDevice;
}

/** Writes a new session (step 1 of a login; it is listed afterwards). */
export async function writeNewSession(
  ctx: StoreContext,
  key: string,
  session: NewSession,
): Promise<void> {
  const { device } = session;
  await runCommand(
    ctx.redis,
    writeNewLua,
    [key],
    [
      session.data,
      session.userTag,
      session.sid,
      session.createdAt,
      session.deadline,
      session.now,
      session.expireAt,
      session.tokenExpiresAt,
      device.device,
      device.browser,
      device.os,
      device.ip,
    ],
  );
}

const keptUntilLua = luaCommand(
  "setKeptUntil",
  1,
  `
local current = redis.call('EXPIRETIME', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], math.max(current, tonumber(ARGV[2])))
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
  `
local key, now, inactivity = KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', key, 'deadline', 'tokenExpiresAt')
local deadline = tonumber(v[1])
if not deadline then return 0 end
if now >= deadline then
  redis.call('DEL', key)
  return 0
end
local written = 1
local stored, incoming = tonumber(v[2]), tonumber(ARGV[5])
if stored and incoming and incoming < stored then
  written = 2
else
  redis.call('HSET', key, 'data', ARGV[1], 'tokenExpiresAt', ARGV[5])
end
redis.call('HSET', key, 'activeAt', now)
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

const deleteLua = luaCommand(
  "sessionDelete",
  1,
  `
local v = redis.call('HMGET', KEYS[1], 'user', 'sid')
redis.call('DEL', KEYS[1])
if not v[1] then return false end
return { v[1], v[2] or '' }
`,
);

/** Deletes a session. @returns whose it was (to unlist it), or null if already gone. */
export async function deleteSessionData(
  ctx: StoreContext,
  key: string,
): Promise<{ userTag: string; sid: string } | null> {
  const owner = (await runCommand(ctx.redis, deleteLua, [key], [])) as
    [string, string] | null;
  return owner && { userTag: owner[0], sid: owner[1] };
}
