import type { SessionData } from "@auth0/nextjs-auth0/types";
import { decodeJwt } from "jose";
import { SessionMismatchError } from "../errors";
import { idTokenClaims } from "./id-token-claims";

/**
 * Throws unless every part of `session` belongs to the user and the provider session of
 * its ID token: `user.sub` is the ID token's `sub`, `internal.sid` its `sid`, and every
 * access token that is a JWT names the same `sub`. The SDK builds a session from one
 * token response, so its parts agree; they disagree only when it merged a sign-in into a
 * session already in the browser (its popup flow keeps the old `sid` and access token
 * beside another user's ID token). Such a session would be listed under one user and
 * bound to another's `sid`, so a back-channel logout of either would miss a token.
 *
 * Nothing is verified here: the SDK verified the ID token, and an access token is the
 * API's to verify; this only compares what the tokens say.
 * @throws {SessionMismatchError} naming the part that disagrees.
 */
export function assertSessionOfOneUser(session: SessionData): void {
  const sub = session.user.sub;
  const claims = idTokenClaims(session);
  if (typeof claims.sub === "string" && claims.sub !== sub) {
    throw new SessionMismatchError("sub", [sub, claims.sub]);
  }
  // A provider that puts no `sid` in its ID tokens gives the session none either; only an
  // ID token that has one can contradict the session's.
  if (typeof claims.sid === "string" && claims.sid !== (session.internal.sid ?? "")) {
    throw new SessionMismatchError("sid", [sub]);
  }
  for (const token of accessTokensOf(session)) {
    const tokenSub = jwtSubject(token);
    if (tokenSub !== undefined && tokenSub !== sub) {
      throw new SessionMismatchError("access_token", [sub, tokenSub]);
    }
  }
}

/** The session's access token and those the SDK keeps per audience. */
function accessTokensOf(session: SessionData): string[] {
  const tokens = [session.tokenSet.accessToken];
  for (const set of session.accessTokens ?? []) tokens.push(set.accessToken);
  return tokens.filter((token): token is string => typeof token === "string");
}

/** The `sub` of a JWT access token; undefined for an opaque or encrypted one. */
function jwtSubject(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === "string" ? sub : undefined;
  } catch {
    return undefined;
  }
}
