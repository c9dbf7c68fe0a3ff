import { luaCommand } from "../redis/lua-command";

// The session hash keeps, beside `data`, the owner's `sub` and the index keys it is
// listed in, so that deleting it can also unlist it without rebuilding any key here.
// Index sets hold session keys. A set's TTL is raised to the longest TTL of what it
// lists, so no index outlives its sessions by more than that and none dies first.

/**
 * Writes a new session and lists it in its indexes, unless a logout token has already
 * ended it: its `sid`, or every session of its `sub` issued up to some moment.
 * KEYS: session, sid index, sub index, ended-sid marker, sub-ended-at marker
 * ARGV: data, ttl seconds, sub, issued-at (epoch seconds), token set expires-at
 * Returns 1 when written, -1 when refused as ended.
 */
export const createSessionScript = luaCommand(
  "createSession",
  5,
  `
local sessionKey, sidIndex, subIndex, endedSid, subEndedAt = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local data, ttl, sub, issuedAt, tokenExpiresAt = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
if endedSid ~= '' then
  local endedFor = redis.call('GET', endedSid)
  if endedFor and (endedFor == '*' or endedFor == sub) then return -1 end
end
local endedAt = tonumber(redis.call('GET', subEndedAt))
if endedAt and issuedAt <= endedAt then return -1 end
redis.call('HSET', sessionKey, 'data', data, 'sub', sub, 'sidIndex', sidIndex, 'subIndex', subIndex,
  'tokenExpiresAt', tokenExpiresAt)
redis.call('EXPIRE', sessionKey, ttl)
-- Drop what expired from the user's index, so it stays as small as their live sessions.
for _, member in ipairs(redis.call('SMEMBERS', subIndex)) do
  if redis.call('EXISTS', member) == 0 then redis.call('SREM', subIndex, member) end
end
for _, index in ipairs({ sidIndex, subIndex }) do
  if index ~= '' then
    redis.call('SADD', index, sessionKey)
    if redis.call('TTL', index) < ttl then redis.call('EXPIRE', index, ttl) end
  end
end
return 1
`,
);

/**
 * Rewrites a session only if it still exists: a request that read the session before
 * a logout can never bring it back. The token set only moves forward: a write whose
 * token set expires earlier than the stored one (a rolling write that read the session
 * before a refresh) extends the session's life but keeps the newer tokens.
 * KEYS: session   ARGV: data, ttl seconds, token set expires-at
 * Returns 1 when written, 2 when only the expiry moved (stale tokens), 0 when gone.
 */
export const updateSessionScript = luaCommand(
  "updateSession",
  1,
  `
local sessionKey, data, ttl, tokenExpiresAt = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', sessionKey) == 0 then return 0 end
local stored = tonumber(redis.call('HGET', sessionKey, 'tokenExpiresAt'))
local written = 1
if stored and tokenExpiresAt and tokenExpiresAt < stored then
  written = 2
else
  redis.call('HSET', sessionKey, 'data', data, 'tokenExpiresAt', ARGV[3])
end
redis.call('EXPIRE', sessionKey, ttl)
for _, index in ipairs(redis.call('HMGET', sessionKey, 'sidIndex', 'subIndex')) do
  if index and index ~= '' and redis.call('TTL', index) < ttl then redis.call('EXPIRE', index, ttl) end
end
return written
`,
);

/**
 * Deletes a session and unlists it from its indexes.
 * KEYS: session   Returns the number of sessions deleted (0 or 1).
 */
export const deleteSessionScript = luaCommand(
  "deleteSession",
  1,
  `
local sessionKey = KEYS[1]
for _, index in ipairs(redis.call('HMGET', sessionKey, 'sidIndex', 'subIndex')) do
  if index and index ~= '' then redis.call('SREM', index, sessionKey) end
end
return redis.call('DEL', sessionKey)
`,
);

/**
 * Ends the sessions bound to one (issuer, sid), only those of `sub` when given, and
 * marks the sid ended so that a login finishing in flight cannot revive it.
 * KEYS: sid index, ended-sid marker   ARGV: sub or '', marker ttl seconds
 * Returns the number of sessions ended.
 */
export const endSessionsBySidScript = luaCommand(
  "endSessionsBySid",
  2,
  `
local sidIndex, endedSid, sub, markerTtl = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local ended = 0
for _, sessionKey in ipairs(redis.call('SMEMBERS', sidIndex)) do
  local owner = redis.call('HMGET', sessionKey, 'sub', 'subIndex')
  if not owner[1] then
    redis.call('SREM', sidIndex, sessionKey)
  elseif sub == '' or owner[1] == sub then
    if owner[2] and owner[2] ~= '' then redis.call('SREM', owner[2], sessionKey) end
    redis.call('DEL', sessionKey)
    redis.call('SREM', sidIndex, sessionKey)
    ended = ended + 1
  end
end
redis.call('SET', endedSid, sub == '' and '*' or sub, 'EX', markerTtl)
return ended
`,
);

/**
 * Ends every session of one (issuer, sub), and records the moment so that a session
 * issued up to then and still being written is refused.
 * KEYS: sub index, sub-ended-at marker   ARGV: now (epoch seconds), marker ttl seconds
 * Returns the number of sessions ended.
 */
export const endSessionsBySubScript = luaCommand(
  "endSessionsBySub",
  2,
  `
local subIndex, subEndedAt, now, markerTtl = KEYS[1], KEYS[2], tonumber(ARGV[1]), ARGV[2]
local ended = 0
for _, sessionKey in ipairs(redis.call('SMEMBERS', subIndex)) do
  local sidIndex = redis.call('HGET', sessionKey, 'sidIndex')
  if sidIndex then
    if sidIndex ~= '' then redis.call('SREM', sidIndex, sessionKey) end
    redis.call('DEL', sessionKey)
    ended = ended + 1
  end
end
redis.call('DEL', subIndex)
local previous = tonumber(redis.call('GET', subEndedAt))
if not previous or previous < now then redis.call('SET', subEndedAt, now, 'EX', markerTtl) end
return ended
`,
);
