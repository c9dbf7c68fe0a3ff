import type { SessionData } from "@auth0/nextjs-auth0/types";

/** A session as the SDK stores it after a login at `createdAt` (epoch seconds). */
export function makeSession(
  overrides: {
    sub?: string;
    sid?: string;
    createdAt?: number;
    accessToken?: string;
    iat?: number;
  } = {},
): SessionData {
  const createdAt = overrides.createdAt ?? Math.floor(Date.now() / 1000);
  const sub = overrides.sub ?? "auth0|alice";
  const idTokenClaims = { sub, sid: overrides.sid, iat: overrides.iat ?? createdAt };
  return {
    user: { sub, name: "Alice Example", email: "alice@example.com" },
    tokenSet: {
      accessToken: overrides.accessToken ?? "access-token",
      refreshToken: "refresh-token",
      idToken: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(idTokenClaims)).toString("base64url")}.sig`,
      expiresAt: createdAt + 3600,
    },
    internal: { sid: overrides.sid ?? "sid-1", createdAt },
  };
}
