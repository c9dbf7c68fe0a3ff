import { luaCommand } from "../redis/lua-command";
import { runCommand, type StoreContext } from "./store-context";

// The two steps of a login besides writing its session, each in one hash slot: binding
// its sid (beside the write), then listing it in the user's slot (once both are done).
// Why this order cannot revive an ended session: store.ts.

const bindSidLua = luaCommand(
  "sessionBindSid",
  2,
  `
local ended = tonumber(redis.call('GET', KEYS[2]))
if ended and tonumber(ARGV[2]) <= ended then return 0 end
local keepUntil = math.max(redis.call('EXPIRETIME', KEYS[1]), tonumber(ARGV[3]))
redis.call('SET', KEYS[1], ARGV[1], 'EXAT', keepUntil)
return 1
`,
);

/**
 * Binds a sid to its user (a login with a sid, beside writing its session), unless a
 * sid-only logout issued at or after this login's ID token already ended the sid.
 * @returns whether it was bound.
 */
export async function bindSid(
  ctx: StoreContext,
  sid: string,
  binding: { sub: string; issuedAt: number; keepUntil: number },
): Promise<boolean> {
  const { keys } = ctx;
  const bound = await runCommand(
    ctx.redis,
    bindSidLua,
    [keys.sidSub(sid), keys.sidEnded(sid)],
    [binding.sub, binding.issuedAt, binding.keepUntil],
  );
  return bound === 1;
}

const listLua = luaCommand(
  "sessionList",
  3,
  `
local sessions, ended, endedSids = KEYS[1], KEYS[2], KEYS[3]
local member, deadline, issuedAt = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local sid, now, window = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local endedAt = tonumber(redis.call('GET', ended))
if endedAt and issuedAt <= endedAt then return 0 end
if sid ~= '' then
  local sidEndedAt = tonumber(redis.call('ZSCORE', endedSids, sid))
  if sidEndedAt and issuedAt <= sidEndedAt then return -1 end
  redis.call('ZREMRANGEBYSCORE', endedSids, '-inf', issuedAt - window)
end
redis.call('ZREMRANGEBYSCORE', sessions, '-inf', now)
redis.call('ZADD', sessions, deadline, member)
local listed = redis.call('ZCARD', sessions)
-- A set of one was made just now (it has no expiry yet); a larger one has one.
if listed == 1 then redis.call('EXPIREAT', sessions, deadline)
else redis.call('EXPIREAT', sessions, deadline, 'GT') end
return listed
`,
);

/**
 * Lists a written session in its user's index (the last step of a login), unless a
 * logout of the user, or of the session's sid, was issued at or after the login's ID
 * token. Also forgets what can no longer matter, in O(what is forgotten): sessions past
 * their absolute deadline, and sid logouts older than any login still in flight.
 * @returns how many sessions the user has listed now, or which logout refused it.
 */
export async function listSession(
  ctx: StoreContext,
  userTag: string,
  listing: {
    member: string;
    sid: string;
    deadline: number;
    issuedAt: number;
    now: number;
    inFlightWindowSeconds: number;
  },
): Promise<{ listed: number } | { refusedBy: "user_logout" | "sid_logout" }> {
  const { keys } = ctx;
  const result = Number(
    await runCommand(
      ctx.redis,
      listLua,
      [keys.userSessions(userTag), keys.userEnded(userTag), keys.userEndedSids(userTag)],
      [
        listing.member,
        listing.deadline,
        listing.issuedAt,
        listing.sid,
        listing.now,
        listing.inFlightWindowSeconds,
      ],
    ),
  );
  if (result === 0) return { refusedBy: "user_logout" };
  if (result === -1) return { refusedBy: "sid_logout" };
  return { listed: result };
}
