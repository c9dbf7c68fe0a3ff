import { luaCommand } from "../redis/lua-command";

// Each command touches the keys of one hash slot only (see keys.ts), all given in KEYS,
// so it runs unchanged on a single Redis and on a Redis Cluster. Steps that span slots
// (a login, a logout) are ordered by the store so that no interleaving can bring an
// ended session back or hide one from a logout; see store.ts.

/**
 * Reads a session and, at most once per `touchEvery` seconds, records the activity and
 * (rolling sessions) moves its expiry to min(deadline, now + inactivity): one round
 * trip, and a write at most once a minute however busy the session is.
 * KEYS: session   ARGV: now, inactivity seconds, touchEvery seconds, rolling (1|0)
 * Returns the session's data, or nil.
 */
export const readSession = luaCommand(
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
 * Writes a new session (step 1 of a login; it is listed afterwards).
 * KEYS: session
 * ARGV: data, user tag, sid, createdAt, deadline, now, expire-at, token set expires-at,
 *   device, browser, os, ip (of the sign-in)
 */
export const writeNewSession = luaCommand(
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

/**
 * Sets a key to a value, kept at least until `keep-until` (a later expiry stays).
 * KEYS: key   ARGV: value, keep-until (epoch seconds)
 */
export const setKeptUntil = luaCommand(
  "setKeptUntil",
  1,
  `
local current = redis.call('EXPIRETIME', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], math.max(current, tonumber(ARGV[2])))
return 1
`,
);

/**
 * Binds a sid to its user (step 2 of a login with a sid), unless a sid-only logout
 * issued at or after this login's ID token already ended the sid.
 * KEYS: sid user, sid ended   ARGV: user tag, issued-at, keep-until (epoch seconds)
 * Returns 1 when bound, 0 when refused.
 */
export const bindSid = luaCommand(
  "sessionBindSid",
  2,
  `
local ended = tonumber(redis.call('GET', KEYS[2]))
if ended and tonumber(ARGV[2]) <= ended then return 0 end
local keepUntil = tonumber(ARGV[3])
local current = redis.call('EXPIRETIME', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], math.max(current, keepUntil))
return 1
`,
);

/**
 * Lists a written session in its user's index (the last step of a login), unless a
 * logout of the user, or of the session's sid, was issued at or after the login's ID
 * token. Also forgets what can no longer matter, in O(what is forgotten): sessions past
 * their absolute deadline, and sid logouts older than any login still in flight.
 * KEYS: user sessions, user ended, user ended sids
 * ARGV: member (id:sid), deadline, issued-at, sid, now, in-flight window seconds
 * Returns the number of sessions listed now (≥ 1) when listed, 0 when refused by a
 * user logout, -1 by a sid logout.
 */
export const listSession = luaCommand(
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
if redis.call('EXPIRETIME', sessions) < deadline then redis.call('EXPIREAT', sessions, deadline) end
return redis.call('ZCARD', sessions)
`,
);

/**
 * Rewrites an existing session (refreshed tokens); never re-creates one that is gone,
 * and never puts back a token set older than the stored one (then only the activity is
 * recorded). Counts as activity: the expiry moves as on a read.
 * KEYS: session   ARGV: data, now, inactivity seconds, rolling (1|0), token expires-at
 * Returns 1 when written, 2 when only the activity moved (stale tokens), 0 when gone.
 */
export const updateSession = luaCommand(
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
 * Deletes a session and says whose it was, so the caller can unlist it.
 * KEYS: session   Returns { user tag, sid } or nil when it was already gone.
 */
export const deleteSession = luaCommand(
  "sessionDelete",
  1,
  `
local v = redis.call('HMGET', KEYS[1], 'user', 'sid')
redis.call('DEL', KEYS[1])
if not v[1] then return false end
return { v[1], v[2] or '' }
`,
);

/**
 * Step 1 of a logout of a user (or of one sid of the user): refuses a replayed token,
 * marks the logout first (so a login still in flight is refused when it comes to be
 * listed), then lists the sessions to end.
 * KEYS: user sessions, user ended, user ended sids, jti
 * ARGV: sid or '', issued-at of the logout token, marker ttl seconds
 * Returns -1 for a replay, else the members (id:sid) to end.
 */
export const beginUserLogout = luaCommand(
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
local matching = {}
for _, member in ipairs(members) do
  local at = string.find(member, ':', 1, true)
  if at and string.sub(member, at + 1) == sid then table.insert(matching, member) end
end
return matching
`,
);

/**
 * Step 2 of a logout, once per listed session: deletes it if it is still the user's
 * (and of the sid, for a sid logout).
 * KEYS: session   ARGV: user tag, sid or ''
 * Returns 1 when ended, 0 when already gone, 2 when it belongs to someone else.
 */
export const endListedSession = luaCommand(
  "sessionEndListed",
  1,
  `
local v = redis.call('HMGET', KEYS[1], 'user', 'sid')
if not v[1] then return 0 end
if v[1] ~= ARGV[1] or (ARGV[2] ~= '' and v[2] ~= ARGV[2]) then return 2 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/**
 * Step 3 of a logout, after every listed session is gone: records the token's jti, so
 * that a replay is refused, and unlists what was ended. Recording last makes a logout
 * all or nothing: a failure before this step leaves the jti unused, and the provider's
 * retry is carried out.
 * KEYS: user sessions, jti   ARGV: jti ttl seconds, members to unlist…
 * Returns 1 when recorded, 0 when another delivery of the same token recorded it first.
 */
export const finishUserLogout = luaCommand(
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
 * A logout token with a sid and no sub: finds the sid's user, or, when no login has
 * bound the sid yet, marks it ended (so such a login is refused) and records the jti in
 * the same step, since there is nothing else to end.
 * KEYS: sid user, sid ended, jti   ARGV: issued-at, marker ttl seconds, jti ttl seconds
 * Returns -1 for a replay, 0 when nothing was bound, else the user tag.
 */
export const beginSidLogout = luaCommand(
  "sessionBeginSidLogout",
  3,
  `
local sidUser, ended, jti = KEYS[1], KEYS[2], KEYS[3]
local issuedAt = tonumber(ARGV[1])
if redis.call('EXISTS', jti) == 1 then return -1 end
local user = redis.call('GET', sidUser)
if user then return user end
local previous = tonumber(redis.call('GET', ended))
if not previous or previous < issuedAt then redis.call('SET', ended, issuedAt, 'EX', ARGV[2]) end
redis.call('SET', jti, '1', 'EX', ARGV[3])
return 0
`,
);
