import { createDecipheriv, hash, hkdfSync } from "node:crypto";
import { LRUCache } from "lru-cache";
import {
  sessionCookieClockToleranceSeconds,
  sessionCookieEncryption,
  statefulSessionCookieOf,
  type StatefulSessionCookie,
} from "../sdk/session-cookie";

const { alg, enc, hkdfDigest, hkdfSalt, hkdfInfo, keyBytes, ivBytes, tagBytes } =
  sessionCookieEncryption;

/** How many cookies a reader remembers: about 2 MB at most (a digest, an id and exp each). */
const defaultRemembered = 10_000;

/**
 * Reads the session id out of the SDK's session cookie (a JWE holding `{ id }`), with a
 * key derived once per process and node:crypto's AES-256-GCM. The SDK derives the key
 * with HKDF on every request and decrypts through WebCrypto (a thread-pool round trip):
 * measured, 160 µs against 14 µs here, the largest cost of a protected request after
 * its Redis round trip. The format is checked strictly (RFC 7516 compact form, header
 * exactly `dir`/`A256GCM` with no `zip` or `crit`, an empty encrypted key, 96-bit IV,
 * 128-bit tag, the header as additional data), GCM authenticates the whole, and `exp`
 * is required. Anything else (tampered, expired, a v3 legacy cookie) gives `null`, and
 * the caller lets the SDK judge it.
 *
 * A browser sends the same cookie with every request, and the same bytes always decrypt
 * to the same id and `exp`: so the last `remembered` cookies that authenticated are kept
 * with what they hold, and a repeat costs a SHA-256 and a lookup (measured: 0.8 µs
 * against 14 µs; `exp` is still checked on every read). Only cookies GCM authenticated
 * are kept, so cookies forged without the secret cannot fill it; the least recently used
 * goes first (lru-cache: an eviction costs 0.36 µs where a Map's "delete the oldest"
 * cost 8.7 µs once full, bench/libraries.ts).
 */
export function sessionCookieReader(
  secret: string,
  now: () => number = () => Date.now() / 1000,
  remembered: number = defaultRemembered,
): (cookie: string) => string | null {
  const decrypt = sessionCookieDecrypter(secret);
  const known = new LRUCache<string, StatefulSessionCookie>({ max: remembered });
  const expired = (claims: StatefulSessionCookie) =>
    claims.exp + sessionCookieClockToleranceSeconds <= now();
  return (cookie) => {
    // Keyed by a digest: the cookie string is a slice of the whole Cookie header, which
    // a map holding it would keep alive (kilobytes each).
    // One-shot `hash`: half the cost of a createHash object on this, the hot path.
    const key = hash("sha256", cookie, "base64");
    const claims = known.get(key);
    if (claims !== undefined) {
      if (!expired(claims)) return claims.id;
      known.delete(key);
      return null;
    }
    const read = decrypt(cookie);
    if (read === null || expired(read)) return null;
    known.set(key, read);
    return read.id;
  };
}

/** The session id and `exp` of a well-formed cookie that GCM authenticates, else null. */
function sessionCookieDecrypter(
  secret: string,
): (cookie: string) => StatefulSessionCookie | null {
  const key = Buffer.from(hkdfSync(hkdfDigest, secret, hkdfSalt, hkdfInfo, keyBytes));
  return (cookie) => {
    const parts = cookie.split(".");
    if (parts.length !== 5) return null;
    const [header, encryptedKey, iv, ciphertext, tag] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    try {
      const protectedHeader = JSON.parse(
        Buffer.from(header, "base64url").toString("utf8"),
      ) as Record<string, unknown>;
      if (
        protectedHeader.alg !== alg ||
        protectedHeader.enc !== enc ||
        "zip" in protectedHeader ||
        "crit" in protectedHeader ||
        encryptedKey !== ""
      ) {
        return null;
      }
      const ivBytesRead = Buffer.from(iv, "base64url");
      const tagBytesRead = Buffer.from(tag, "base64url");
      if (ivBytesRead.length !== ivBytes || tagBytesRead.length !== tagBytes) return null;
      const decipher = createDecipheriv("aes-256-gcm", key, ivBytesRead, {
        authTagLength: tagBytes,
      });
      decipher.setAAD(Buffer.from(header, "ascii"));
      decipher.setAuthTag(tagBytesRead);
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]);
      return statefulSessionCookieOf(JSON.parse(plaintext.toString("utf8")));
    } catch {
      return null;
    }
  };
}
