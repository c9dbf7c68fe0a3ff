/**
 * How the SDK seals the session cookie (`server/cookies.js`, `encrypt` and `decrypt`): a
 * compact JWE, `alg: "dir"` with `enc: "A256GCM"`, under a key derived from the app's
 * secret with HKDF-SHA256 (empty salt, info `"JWE CEK"`, 32 bytes). Not exported by the
 * SDK, which derives the key on every request; the app's reader
 * (lib/session/session-cookie.ts) derives it once per process from these.
 */
export const sessionCookieEncryption = {
  alg: "dir",
  enc: "A256GCM",
  hkdfDigest: "sha256",
  hkdfSalt: "",
  hkdfInfo: "JWE CEK",
  /** AES-256: the derived key's length. */
  keyBytes: 32,
  /** A256GCM's IV (RFC 7518 §5.3). */
  ivBytes: 12,
  /** A256GCM's authentication tag (RFC 7518 §5.3). */
  tagBytes: 16,
} as const;

/**
 * The SDK's leeway on the cookie's `exp` (`clockTolerance: 15` in its `decrypt`): a
 * cookie stays valid until `exp + 15`. A reader that allowed more would accept a session
 * cookie the SDK has already let expire.
 */
export const sessionCookieClockToleranceSeconds = 15;

/** What a stateful session's cookie holds: the store's id of the session, and `exp`. */
export interface StatefulSessionCookie {
  id: string;
  exp: number;
}

/**
 * The claims of a decrypted stateful session cookie, as the SDK's stateful store writes
 * them (`{ id }`, with `exp` set by its `encrypt`) and reads them (`payload.id`); null for
 * anything else, such as a stateless session's cookie, which holds the whole session.
 */
export function statefulSessionCookieOf(claims: unknown): StatefulSessionCookie | null {
  if (typeof claims !== "object" || claims === null) return null;
  const { id, exp } = claims as { id?: unknown; exp?: unknown };
  if (typeof exp !== "number" || typeof id !== "string" || id === "") return null;
  return { id, exp };
}
