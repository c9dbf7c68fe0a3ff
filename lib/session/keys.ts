/**
 * Every Redis key the session store touches is built here, so the layout can be read
 * in one place:
 *
 * - `session:<id>`: hash of one session (`data`, plus the index keys it is listed in).
 * - `sid:<iss>:<sid>` / `sub:<iss>:<sub>`: sets of session keys, so that a back-channel
 *   logout finds a user's sessions by lookup, never by scanning.
 * - `ended-sid:<iss>:<sid>` / `sub-ended-at:<iss>:<sub>`: what a logout token ended, so
 *   that a login finishing in flight cannot bring an ended session back.
 * - `logout-jti:<iss>:<jti>`: logout tokens already used, to refuse a replay.
 * - `refresh-lock:<fingerprint>`: one token refresh at a time per refresh token.
 *
 * Issuers, `sid`s and `sub`s are URI-encoded so that no value can forge a separator.
 */
export interface SessionKeys {
  session(id: string): string;
  sessionsBySid(issuer: string, sid: string): string;
  sessionsBySub(issuer: string, sub: string): string;
  endedSid(issuer: string, sid: string): string;
  subEndedAt(issuer: string, sub: string): string;
  usedLogoutTokenId(issuer: string, jti: string): string;
  refreshLock(refreshTokenFingerprint: string): string;
}

/** The key builders for one key prefix (e.g. `auth0:`). */
export function sessionKeysFor(prefix: string): SessionKeys {
  const scoped = (kind: string, issuer: string, value: string) =>
    `${prefix}${kind}:${encodeURIComponent(issuer)}:${encodeURIComponent(value)}`;
  return {
    session: (id) => `${prefix}session:${encodeURIComponent(id)}`,
    sessionsBySid: (issuer, sid) => scoped("sid", issuer, sid),
    sessionsBySub: (issuer, sub) => scoped("sub", issuer, sub),
    endedSid: (issuer, sid) => scoped("ended-sid", issuer, sid),
    subEndedAt: (issuer, sub) => scoped("sub-ended-at", issuer, sub),
    usedLogoutTokenId: (issuer, jti) => scoped("logout-jti", issuer, jti),
    refreshLock: (fingerprint) =>
      `${prefix}refresh-lock:${encodeURIComponent(fingerprint)}`,
  };
}
