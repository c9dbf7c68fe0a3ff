import { createHmac, hkdfSync } from "node:crypto";

/**
 * The handles by which the browser names sessions (`/api/sessions/{id}`): an HMAC of
 * the store's session id under a key derived from AUTH0_SECRET. The store's id (which
 * is what the session cookie carries, and part of a Redis key name) never leaves the
 * server, and a handle cannot be turned back into one, nor made up for another user's
 * session. Stable for as long as the session and the secret are.
 */
export function sessionHandles(secret: string): (sessionId: string) => string {
  const key = Buffer.from(hkdfSync("sha256", secret, "", "session handle", 32));
  return (sessionId) =>
    createHmac("sha256", key).update(sessionId).digest("base64url").slice(0, 32);
}
