import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";

export interface VerifyOptions {
  /** Exact `iss`, with the trailing slash (`https://my-tenant.eu.auth0.com/`). */
  issuer: string;
  /** Must be one of the token's `aud` values: the Auth0 API identifier. */
  audience: string;
  /** Where the public keys come from: the issuer's JWKS, or a local set in tests. */
  keys: JWTVerifyGetKey;
  /** For tests; defaults to the current time. */
  currentDate?: Date;
}

export type VerifyResult =
  | { ok: true; sub: string; scopes: string[] }
  /** The token is not acceptable; `description` is short, safe to send to the client. */
  | { ok: false; code: "invalid_token"; description: string }
  /** The issuer's keys could not be fetched: nothing is known about the token. */
  | { ok: false; code: "keys_unavailable"; description: string };

const CLOCK_TOLERANCE_SECONDS = 5;
/** Far above any Auth0 access token; a bound on what is parsed at all. */
const MAX_TOKEN_LENGTH = 8 * 1024;

const NO_MATCHING_KEY: string = errors.JWKSNoMatchingKey.code;
const MULTIPLE_MATCHING_KEYS: string = errors.JWKSMultipleMatchingKeys.code;

/** Raised (only) by the wrapped key getter when the key set itself failed. */
class KeysUnavailable extends Error {
  override name = "KeysUnavailable";
}

/** Why fetching keys failed; fetch() hides the useful part (ECONNREFUSED…) in `cause`. */
function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  if (typeof cause === "object" && cause !== null && "code" in cause) {
    return `${message} (${String(cause.code)})`;
  }
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}

/**
 * Errors of the key getter that are about the token (its `kid` is not in the set) stay
 * as they are; anything else (network, timeout, bad JWKS) means the keys are unavailable.
 */
function separateKeyFailures(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      // By code, not class: the key getter may come from another copy of jose.
      const code = (error as { code?: unknown } | null)?.code;
      if (code === NO_MATCHING_KEY || code === MULTIPLE_MATCHING_KEYS) throw error;
      throw new KeysUnavailable(failureReason(error), { cause: error });
    }
  };
}

function invalid(description: string): VerifyResult {
  return { ok: false, code: "invalid_token", description };
}

/** A short, stable reason for a jose error (no quotes, fit for `error_description`). */
function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return "the access token expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `missing ${error.claim} claim`;
    switch (error.claim) {
      case "aud":
        return "the access token is not for this API (aud)";
      case "iss":
        return "the access token is from another issuer (iss)";
      case "nbf":
        return "the access token is not valid yet (nbf)";
      default:
        return `invalid ${error.claim} claim`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "signing algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "invalid signature";
  return "malformed access token";
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((item): item is string => typeof item === "string")
    ? value
    : undefined;
}

/**
 * Scopes granted by the token: the `scope` claim (space-separated, where Auth0 puts the
 * API's permissions) together with Auth0's `permissions` array (present when RBAC's
 * "Add Permissions in the Access Token" is on). Undefined if either claim is malformed.
 */
function grantedScopes(payload: JWTPayload): string[] | undefined {
  const scopes = new Set<string>();
  if (payload.scope !== undefined) {
    if (typeof payload.scope !== "string") return undefined;
    payload.scope
      .split(" ")
      .filter(Boolean)
      .forEach((scope) => scopes.add(scope));
  }
  if (payload.permissions !== undefined) {
    const permissions = stringList(payload.permissions);
    if (permissions === undefined) return undefined;
    permissions.forEach((permission) => scopes.add(permission));
  }
  return [...scopes];
}

/**
 * Verifies an Auth0 access token (a JWT): RS256 only, the exact issuer, the audience
 * among `aud`, `exp` required (5 s of clock tolerance) and a `sub`. Never throws for a
 * bad token; other errors (bugs) are thrown.
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyOptions,
): Promise<VerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return invalid("malformed access token");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, separateKeyFailures(options.keys), {
      algorithms: ["RS256"],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: options.currentDate,
    }));
  } catch (error) {
    if (error instanceof KeysUnavailable) {
      return { ok: false, code: "keys_unavailable", description: error.message };
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (code === NO_MATCHING_KEY) return invalid("unknown signing key");
    if (code === MULTIPLE_MATCHING_KEYS) return invalid("ambiguous signing key");
    if (error instanceof errors.JOSEError) return invalid(describe(error));
    throw error;
  }

  if (typeof payload.sub !== "string" || payload.sub === "") {
    return invalid("invalid sub claim");
  }
  const scopes = grantedScopes(payload);
  if (scopes === undefined) return invalid("invalid scope or permissions claim");
  return { ok: true, sub: payload.sub, scopes };
}
