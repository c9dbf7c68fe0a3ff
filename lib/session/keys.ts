/**
 * Every Redis key of the session store, built here so the layout reads in one place
 * (docs/decisions/0009). Keys that one Lua script touches together share a hash tag
 * (`{…}`), so they sit in one hash slot and the same script runs on a single Redis and
 * on a Redis Cluster; a key always touched alone needs none.
 *
 * A session, alone in its slot (a key per sign-in):
 * - `session:<id>`: a string, the session's record (session-record.ts): one line of
 *   deadline, activity, token expiry and device, then the SDK's JSON. Expires at the
 *   smaller of its deadline and inactivity.
 *
 * User slot, tag `{<sub>}` (a key per user, and markers after a logout):
 * - `user:{…}:sessions`: sorted set of `<id>:<sid digest>` (see memberOf) scored by each
 *   session's absolute deadline, so a logout lists a user's sessions by lookup, never by
 *   scanning. Members stay under 64 bytes: a compact listpack. Only the user's own
 *   sign-ins list a session here: the index is the store's word on whose it is.
 * - `user:{…}:ended`: the `iat` of the last logout of every session of the user.
 * - `user:{…}:ended-sids`: sorted set of sids scored by the `iat` of their logout.
 * - `user:{…}:jti:<jti>`: a logout token already carried out, to refuse a replay.
 *
 * Sid slot, tag `{<sid>}` (for logout tokens that carry a sid and no sub):
 * - `sid:{…}:sub`: the sub of the user whose sessions the sid is bound to (a key per
 *   sign-in: each has a sid of its own).
 * - `sid:{…}:ended`: the `iat` of a sid logout that found no user yet.
 * - `sid:{…}:jti:<jti>`: a sid-only logout token already carried out.
 *
 * Email slot, tag `{<email>}` (for administrators, who find users by email):
 * - `email:{…}`: the sub of the user who last signed in with that (lower-cased) email,
 *   verified at the provider (`email_verified`), kept as long as that user's last session.
 *
 * The provider is not in the names: an app has one (AUTH0_DOMAIN), and the key prefix
 * (REDIS_KEY_PREFIX) keeps apps apart. Ids, subs, sids and emails are URI-encoded, so
 * no value can forge a separator or a brace.
 */
export interface SessionKeys {
  session(id: string): string;
  /** The hash tag of one user's slot. */
  userTag(sub: string): string;
  userSessions(userTag: string): string;
  userEnded(userTag: string): string;
  userEndedSids(userTag: string): string;
  userLogoutJti(userTag: string, jti: string): string;
  sidSub(sid: string): string;
  sidEnded(sid: string): string;
  sidLogoutJti(sid: string, jti: string): string;
  userByEmail(email: string): string;
}

/** The key builders for one key prefix (e.g. `auth0:`). */
export function sessionKeysFor(prefix: string): SessionKeys {
  const encode = encodeURIComponent;
  const user = (userTag: string, name: string) => `${prefix}user:{${userTag}}:${name}`;
  const sid = (value: string, name: string) => `${prefix}sid:{${encode(value)}}:${name}`;
  return {
    session: (id) => `${prefix}session:${encode(id)}`,
    userTag: (sub) => encode(sub),
    userSessions: (userTag) => user(userTag, "sessions"),
    userEnded: (userTag) => user(userTag, "ended"),
    userEndedSids: (userTag) => user(userTag, "ended-sids"),
    userLogoutJti: (userTag, jti) => user(userTag, `jti:${encode(jti)}`),
    sidSub: (value) => sid(value, "sub"),
    sidEnded: (value) => sid(value, "ended"),
    sidLogoutJti: (value, jti) => sid(value, `jti:${encode(jti)}`),
    userByEmail: (email) => `${prefix}email:{${encode(email.toLowerCase())}}`,
  };
}
