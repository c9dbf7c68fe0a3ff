import type { SessionData } from "@auth0/nextjs-auth0/types";
import { decodeJwt } from "jose";

/**
 * The claims of the ID token a session holds (the SDK keeps the last one it received,
 * verified at sign-in or refresh, server-side in the store). The SDK's `session.user`
 * keeps only profile claims; protocol claims such as `iat` and `auth_time`, and custom
 * claims such as roles, are read here. Empty when the session has no readable ID token.
 */
export function idTokenClaims(session: SessionData): Record<string, unknown> {
  const idToken = session.tokenSet.idToken;
  if (!idToken) return {};
  try {
    // Decoded, not verified: the SDK verified it when it was received.
    return decodeJwt(idToken);
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
