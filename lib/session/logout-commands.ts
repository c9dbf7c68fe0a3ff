import { luaCommand } from "../redis/lua-command";
import {
  reachRedis,
  runCommand,
  sidDigestLength,
  type StoreContext,
} from "./store-context";

// The steps of a back-channel logout, each in one hash slot; their order is
// logout-order.ts's.

const beginUserLua = luaCommand(
  "sessionBeginUserLogout",
  4,
  `
local sessions, ended, endedSids, jti = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local sid, issuedAt, markerTtl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
if redis.call('EXISTS', jti) == 1 then return -1 end
if sid == '' then
  local previous = tonumber(redis.call('GET', ended))
  if not previous or previous < issuedAt then redis.call('SET', ended, issuedAt, 'EX', markerTtl)
  else redis.call('EXPIRE', ended, markerTtl) end
else
  local previous = tonumber(redis.call('ZSCORE', endedSids, sid))
  if not previous or previous < issuedAt then redis.call('ZADD', endedSids, issuedAt, sid) end
  redis.call('EXPIRE', endedSids, markerTtl)
end
local members = redis.call('ZRANGE', sessions, 0, -1)
if sid == '' then return members end
local digest = string.sub(redis.sha1hex(sid), 1, ${sidDigestLength})
local matching = {}
for _, member in ipairs(members) do
  local at = string.find(member, ':', 1, true)
  if at and string.sub(member, at + 1) == digest then table.insert(matching, member) end
end
return matching
`,
);

/**
 * Step 1 of a logout of a user (or of one sid of the user): refuses a replayed token,
 * marks the logout first (so a login still in flight is refused when it comes to be
 * listed), then lists the sessions to end (for a sid, those whose member carries its
 * digest: see memberOf).
 * @returns the members to end, or "replayed".
 */
export async function beginUserLogout(
  ctx: StoreContext,
  userTag: string,
  logout: { sid: string; jti: string; issuedAt: number; markerTtlSeconds: number },
): Promise<string[] | "replayed"> {
  const { keys } = ctx;
  const result = await runCommand(
    ctx.redis,
    beginUserLua,
    [
      keys.userSessions(userTag),
      keys.userEnded(userTag),
      keys.userEndedSids(userTag),
      keys.userLogoutJti(userTag, logout.jti),
    ],
    [logout.sid, logout.issuedAt, logout.markerTtlSeconds],
  );
  return result === -1 ? "replayed" : (result as string[]);
}

/**
 * Step 2 of a logout, once per listed session: deletes it, one DEL. Which sessions are
 * the user's (and the sid's) is their index's word: only the user's own sign-ins list
 * a session there, under its sid's digest.
 */
export async function endListedSession(
  ctx: StoreContext,
  key: string,
): Promise<"ended" | "gone"> {
  const deleted = await reachRedis(() => ctx.redis.del(key), "del");
  return deleted === 1 ? "ended" : "gone";
}

const finishLua = luaCommand(
  "sessionFinishUserLogout",
  2,
  `
local recorded = redis.call('SET', KEYS[2], '1', 'EX', ARGV[1], 'NX')
for i = 2, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
if recorded then return 1 end
return 0
`,
);

/**
 * Step 3 of a logout, after every listed session is gone: records the token's jti, so
 * that a replay is refused, and unlists what was ended. Recording last makes a logout
 * all or nothing: a failure before this step leaves the jti unused, and the provider's
 * retry is carried out.
 * @returns false when another delivery of the same token recorded it first.
 */
export async function finishUserLogout(
  ctx: StoreContext,
  userTag: string,
  finish: { jti: string; jtiTtlSeconds: number; unlist: readonly string[] },
): Promise<boolean> {
  const { keys } = ctx;
  const recorded = await runCommand(
    ctx.redis,
    finishLua,
    [keys.userSessions(userTag), keys.userLogoutJti(userTag, finish.jti)],
    [finish.jtiTtlSeconds, ...finish.unlist],
  );
  return recorded === 1;
}

const beginSidLua = luaCommand(
  "sessionBeginSidLogout",
  3,
  `
local sidSub, ended, jti = KEYS[1], KEYS[2], KEYS[3]
local issuedAt = tonumber(ARGV[1])
if redis.call('EXISTS', jti) == 1 then return -1 end
local sub = redis.call('GET', sidSub)
if sub then return sub end
local previous = tonumber(redis.call('GET', ended))
if not previous or previous < issuedAt then redis.call('SET', ended, issuedAt, 'EX', ARGV[2]) end
redis.call('SET', jti, '1', 'EX', ARGV[3])
return 0
`,
);

/**
 * A logout token with a sid and no sub: finds the sid's user (its sub), or, when no
 * login has bound the sid yet, marks it ended (so such a login is refused) and records
 * the jti in the same step, since there is nothing else to end.
 */
export async function beginSidLogout(
  ctx: StoreContext,
  sid: string,
  logout: {
    jti: string;
    issuedAt: number;
    markerTtlSeconds: number;
    jtiTtlSeconds: number;
  },
): Promise<{ sub: string } | "unbound" | "replayed"> {
  const { keys } = ctx;
  const found = await runCommand(
    ctx.redis,
    beginSidLua,
    [keys.sidSub(sid), keys.sidEnded(sid), keys.sidLogoutJti(sid, logout.jti)],
    [logout.issuedAt, logout.markerTtlSeconds, logout.jtiTtlSeconds],
  );
  if (found === -1) return "replayed";
  if (found === 0) return "unbound";
  return { sub: String(found) };
}
