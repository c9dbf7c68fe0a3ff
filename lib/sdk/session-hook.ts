import { filterDefaultIdTokenClaims } from "@auth0/nextjs-auth0/server";
import type { SessionData } from "@auth0/nextjs-auth0/types";

/**
 * The profile claims the SDK keeps in `session.user` without a `beforeSessionSaved`
 * hook: its public `filterDefaultIdTokenClaims`. The seam is how the SDK runs a hook
 * (`finalizeSession`, at sign-in and whenever it saves a refreshed token set): the hook
 * replaces that filter instead of running after it, and the SDK keeps what the hook
 * returns except `internal`, which stays its own. So a hook must filter `session.user`
 * itself, or every claim of the ID token would be stored and sent to the browser.
 */
export function defaultSessionUser(user: SessionData["user"]): SessionData["user"] {
  return filterDefaultIdTokenClaims(user);
}
