/**
 * The key of the cross-instance refresh lock for one refresh token (a fingerprint of
 * it, never the token). Its own hash tag: the lock is a single key.
 */
export function refreshLockKey(prefix: string, refreshTokenFingerprint: string): string {
  return `${prefix}refresh-lock:{${encodeURIComponent(refreshTokenFingerprint)}}`;
}
