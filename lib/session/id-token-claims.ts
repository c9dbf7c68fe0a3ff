import type { SessionData } from "@auth0/nextjs-auth0/types";

/**
 * The claims of the ID token a session holds (the SDK keeps the last one it received,
 * verified at sign-in or refresh, server-side in the store). The SDK's `session.user`
 * keeps only profile claims; protocol claims such as `iat` and `auth_time`, and custom
 * claims such as roles, are read here. Empty when the session has no readable ID token.
 */
export function idTokenClaims(session: SessionData): Record<string, unknown> {
  const payload = session.tokenSet.idToken?.split(".")[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(
      Buffer.from(payload, "base64url").toString("utf8"),
    );
    return claims !== null && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** A numeric claim of the session's ID token (epoch seconds), if it has one. */
export function idTokenTime(
  session: SessionData,
  claim: "iat" | "auth_time",
): number | undefined {
  const value = idTokenClaims(session)[claim];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
