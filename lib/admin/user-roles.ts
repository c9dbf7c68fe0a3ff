import type { SessionData } from "@auth0/nextjs-auth0/types";
import { defaultSessionUser } from "../sdk/session-hook";
import { idTokenClaims } from "../session/id-token-claims";

/**
 * The SDK's `beforeSessionSaved` for this app: `session.user` keeps the profile claims
 * the SDK keeps without a hook, and gains `roles`, the roles the session's ID token
 * lists in claim `rolesClaim` (strings only; `[]` without a readable claim). The browser
 * reads them from `useUser` (the navigation shows "Admin" for `admin`); a hint for what
 * to show, never a permission: every guard reads the ID token itself (`hasRole`). The
 * SDK runs it at sign-in and whenever it saves a refreshed token set, so `roles`
 * follows the newest ID token it saved.
 */
export function keepRolesInUser(
  rolesClaim: string,
): (session: SessionData) => Promise<SessionData> {
  return async (session) => ({
    ...session,
    user: {
      // A hook replaces the SDK's own filter: filter as it would, then add.
      ...defaultSessionUser(session.user),
      roles: rolesIn(session, rolesClaim),
    },
  });
}

function rolesIn(session: SessionData, claim: string): string[] {
  const roles = idTokenClaims(session)[claim];
  return Array.isArray(roles)
    ? roles.filter((role): role is string => typeof role === "string")
    : [];
}
