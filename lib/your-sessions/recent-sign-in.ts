import type { SessionData } from "@auth0/nextjs-auth0/types";
import { idTokenTime } from "../session/id-token-claims";

/**
 * Whether the user of `session` authenticated at most `maxAgeSeconds` ago, by the ID
 * token's `auth_time` (when the user last proved who they are, which single sign-on
 * does not move). A token without `auth_time` is not recent: the re-authentication asks
 * for `max_age=0`, and then the provider must include it (OpenID Connect Core §3.1.2.1).
 */
export function signedInRecently(
  session: SessionData,
  maxAgeSeconds: number,
  nowSeconds: number,
): boolean {
  const authTime = idTokenTime(session, "auth_time");
  return authTime !== undefined && nowSeconds - authTime <= maxAgeSeconds;
}

/** Where a stale sign-in is sent to authenticate again, then back to `returnTo`. */
export function reauthenticationUrl(returnTo: string): string {
  return `/auth/login?${new URLSearchParams({ max_age: "0", returnTo }).toString()}`;
}
