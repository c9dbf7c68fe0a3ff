/**
 * Every Redis key of the session store, built here so the layout reads in one place.
 * Each key carries a hash tag (`{…}`): keys that one Lua script touches together share
 * it, so they sit in one hash slot and the same script runs on a single Redis and on a
 * Redis Cluster.
 *
 * Session slot, tag `{<id>}`:
 * - `session:{<id>}`: hash of one session: `data` (the SDK's JSON), `user` (its user
 *   tag), `sid`, `createdAt`, `deadline` (absolute end), `activeAt`, `tokenExpiresAt`.
 *
 * User slot, tag `{<iss>:<sub>}`:
 * - `user:{…}:sessions`: sorted set of `<id>:<sid>` scored by each session's absolute
 *   deadline, so a logout lists a user's sessions by lookup, never by scanning.
 * - `user:{…}:ended`: the `iat` of the last logout of every session of the user.
 * - `user:{…}:ended-sids`: sorted set of sids scored by the `iat` of their logout.
 * - `user:{…}:jti:<jti>`: a logout token already carried out, to refuse a replay.
 *
 * Sid slot, tag `{<iss>:<sid>}` (for logout tokens that carry a sid and no sub):
 * - `sid:{…}:user`: the user tag of the sessions bound to the sid.
 * - `sid:{…}:ended`: the `iat` of a sid logout that found no user yet.
 * - `sid:{…}:jti:<jti>`: a sid-only logout token already carried out.
 *
 * Email slot, tag `{<iss>:<email>}` (for administrators, who find users by email):
 * - `email:{…}`: the sub of the user who last signed in with that (lower-cased) email,
 *   verified at the provider (`email_verified`), kept as long as that user's last session.
 *
 * Issuers, subs and sids are URI-encoded, so no value can forge a separator or a brace.
 */
export interface SessionKeys {
  session(id: string): string;
  /** The hash tag of one user's slot, as stored in the session hash. */
  userTag(issuer: string, sub: string): string;
  userSessions(userTag: string): string;
  userEnded(userTag: string): string;
  userEndedSids(userTag: string): string;
  userLogoutJti(userTag: string, jti: string): string;
  sidUser(issuer: string, sid: string): string;
  sidEnded(issuer: string, sid: string): string;
  sidLogoutJti(issuer: string, sid: string, jti: string): string;
  userByEmail(issuer: string, email: string): string;
}

/** The key builders for one key prefix (e.g. `auth0:`). */
export function sessionKeysFor(prefix: string): SessionKeys {
  const tag = (issuer: string, value: string) =>
    `${encodeURIComponent(issuer)}:${encodeURIComponent(value)}`;
  const user = (userTag: string, name: string) => `${prefix}user:{${userTag}}:${name}`;
  const sid = (issuer: string, value: string, name: string) =>
    `${prefix}sid:{${tag(issuer, value)}}:${name}`;
  return {
    session: (id) => `${prefix}session:{${encodeURIComponent(id)}}`,
    userTag: (issuer, sub) => tag(issuer, sub),
    userSessions: (userTag) => user(userTag, "sessions"),
    userEnded: (userTag) => user(userTag, "ended"),
    userEndedSids: (userTag) => user(userTag, "ended-sids"),
    userLogoutJti: (userTag, jti) => user(userTag, `jti:${encodeURIComponent(jti)}`),
    sidUser: (issuer, value) => sid(issuer, value, "user"),
    sidEnded: (issuer, value) => sid(issuer, value, "ended"),
    sidLogoutJti: (issuer, value, jti) =>
      sid(issuer, value, `jti:${encodeURIComponent(jti)}`),
    userByEmail: (issuer, email) =>
      `${prefix}email:{${tag(issuer, email.toLowerCase())}}`,
  };
}
