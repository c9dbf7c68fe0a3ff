import type { SessionData } from "@auth0/nextjs-auth0/types";
import { idTokenClaims } from "../session/id-token-claims";

/**
 * Whether the session's ID token lists `role` in claim `claim` (a namespaced claim an
 * Auth0 Action adds; see README "Administrators"). Read from the ID token the store
 * keeps, which the SDK verified; a claim that is not an array of strings grants nothing.
 */
export function hasRole(session: SessionData, claim: string, role: string): boolean {
  const roles = idTokenClaims(session)[claim];
  return Array.isArray(roles) && roles.some((value) => value === role);
}
