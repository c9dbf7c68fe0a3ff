import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";

/** As the SDK encrypts the session cookie: A256GCM, `dir`, a key from HKDF-SHA256. */
const encryptionInfo = "JWE CEK";
const keyBytes = 32;
/** The SDK's tolerance for the cookie's `exp`. */
const clockToleranceSeconds = 15;

/**
 * Reads the session id out of the SDK's session cookie (a JWE holding `{ id }`) with a
 * key derived once per process. The SDK derives the same key with HKDF on every
 * request, which was the largest cost of a protected request after its Redis round
 * trip. Any cookie this does not read (tampered, expired, a v3 legacy cookie) gives
 * `null`, and the caller lets the SDK judge it.
 */
export function sessionCookieReader(
  secret: string,
): (cookie: string) => Promise<string | null> {
  const key = globalThis.crypto.subtle.importKey(
    "raw",
    new Uint8Array(hkdfSync("sha256", secret, "", encryptionInfo, keyBytes)),
    "AES-GCM",
    false,
    ["decrypt"],
  );
  return async (cookie) => {
    try {
      const { payload } = await jwtDecrypt(cookie, await key, {
        clockTolerance: clockToleranceSeconds,
      });
      return typeof payload.id === "string" && payload.id !== "" ? payload.id : null;
    } catch {
      return null;
    }
  };
}
