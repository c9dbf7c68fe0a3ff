import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { SigningKeyNotYetKnownError } from "../provider/key-set";
import { clockSkewSeconds } from "../time/clock";

/** The member of `events` that makes a JWT a logout token (Back-Channel Logout 1.0, §2.4). */
export const backchannelLogoutEvent =
  "http://schemas.openid.net/event/backchannel-logout";

/** Auth0 signs ID and logout tokens with RS256, or PS256 when the tenant is set so. */
export const logoutTokenAlgorithms = ["RS256", "PS256"] as const;

/**
 * How long after its `iat` a logout token without `exp` is accepted (plus
 * {@link clockSkewSeconds}). The drafts of Back-Channel Logout before 1.0 had no `exp`,
 * and providers built on them (LemonLDAP::NG 2.21) still send none. A token is delivered
 * within a second of its issue; two minutes leave room for the provider's retries after
 * a 503 while keeping short the time a captured token could be used at all, and its
 * `jti` is remembered for that whole time, so it cannot be used twice.
 */
export const logoutTokenMaxAgeSeconds = 2 * 60;

/** Explicit types a logout token may carry; §2.4 recommends `logout+jwt`. */
const acceptedTypes = new Set(["jwt", "logout+jwt", "application/logout+jwt"]);

/** The claims of a logout token that passed every check. */
export interface LogoutClaims {
  iss: string;
  sub?: string;
  sid?: string;
  jti: string;
  /** When the provider issued the token, on its own clock. */
  iat: number;
  /** When the token expires, on the provider's clock, if it says so. */
  exp?: number;
  /**
   * The last second, on the provider's clock, at which this token is accepted (and
   * {@link clockSkewSeconds} more on the app's): `exp`, or for a token without one `iat +`
   * {@link logoutTokenMaxAgeSeconds}. Its `jti` must be remembered at least that long.
   */
  acceptableUntil: number;
}

export type LogoutTokenResult =
  | { ok: true; claims: LogoutClaims }
  /** The token is not a valid logout token for this app: the caller answers 400. */
  | { ok: false; code: "invalid_token"; reason: string }
  /** The provider's keys could not be read: nothing can be judged now (503). */
  | { ok: false; code: "keys_unavailable"; reason: string; detail?: string }
  /**
   * The token's key is not in the provider's key set as last loaded, which may not be
   * loaded again for `retryAfterSeconds`: the key may be new (503 with Retry-After).
   */
  | {
      ok: false;
      code: "keys_unknown_yet";
      reason: string;
      retryAfterSeconds: number;
    };

export interface LogoutTokenRules {
  /** The provider's issuer as its discovery document gives it: `iss` must be exactly this. */
  issuer: string;
  clientId: string;
  keys: JWTVerifyGetKey;
  /** epoch seconds @default the system clock */
  now?: () => number;
}

/**
 * Validates a logout token as §2.6 asks, and more than the SDK does: the signature with
 * the provider's keys and an asymmetric algorithm only; `iss` exactly, `aud` (one value
 * or an array); `exp` not past, or without `exp` an `iat` at most
 * {@link logoutTokenMaxAgeSeconds} old; `iat` required and not in the future; `jti`
 * required; `typ` absent, `JWT` or `logout+jwt`; `sid` and/or `sub`; `events` with the
 * back-channel member as an object; no `nonce`. Replay is judged by the caller, which
 * owns the shared memory.
 */
export async function verifyLogoutToken(
  token: string,
  rules: LogoutTokenRules,
): Promise<LogoutTokenResult> {
  const now = (rules.now ?? (() => Math.floor(Date.now() / 1000)))();
  let payload: JWTPayload;
  let typ: string | undefined;
  try {
    const verified = await jwtVerify(token, rules.keys, {
      issuer: rules.issuer,
      audience: rules.clientId,
      algorithms: [...logoutTokenAlgorithms],
      // `exp` is checked when present; without it, `iat` below bounds the token's age.
      requiredClaims: ["iss", "aud", "iat", "jti"],
      clockTolerance: clockSkewSeconds,
      currentDate: new Date(now * 1000),
    });
    payload = verified.payload;
    typ = verified.protectedHeader.typ;
  } catch (error) {
    return classifyVerificationError(error);
  }

  const invalid = (reason: string): LogoutTokenResult => ({
    ok: false,
    code: "invalid_token",
    reason,
  });
  if (typ !== undefined && !acceptedTypes.has(typ.toLowerCase())) {
    return invalid(`typ "${typ}" is not a logout token type`);
  }
  if (typeof payload.iat !== "number" || payload.iat > now + clockSkewSeconds) {
    return invalid("iat is in the future");
  }
  const acceptableUntil = payload.exp ?? payload.iat + logoutTokenMaxAgeSeconds;
  if (payload.exp === undefined && now > acceptableUntil + clockSkewSeconds) {
    return invalid(
      `iat is too old: a token without exp is accepted for ${logoutTokenMaxAgeSeconds} s`,
    );
  }
  if (typeof payload.jti !== "string" || payload.jti === "")
    return invalid("jti is missing");
  if ("nonce" in payload) return invalid("a logout token must not contain a nonce");
  const { sid, sub } = payload as { sid?: unknown; sub?: unknown };
  if (sid !== undefined && (typeof sid !== "string" || sid === ""))
    return invalid("sid is not a string");
  if (sub !== undefined && (typeof sub !== "string" || sub === ""))
    return invalid("sub is not a string");
  if (sid === undefined && sub === undefined)
    return invalid("neither sid nor sub is present");
  const events = (payload as { events?: unknown }).events;
  if (!isPlainObject(events)) return invalid("events is missing or not an object");
  if (!(backchannelLogoutEvent in events))
    return invalid("events has no back-channel logout member");
  if (!isPlainObject(events[backchannelLogoutEvent])) {
    return invalid("the back-channel logout event is not an object");
  }

  return {
    ok: true,
    claims: {
      iss: payload.iss as string,
      jti: payload.jti,
      iat: payload.iat,
      ...(payload.exp !== undefined ? { exp: payload.exp } : {}),
      acceptableUntil,
      ...(sub !== undefined ? { sub } : {}),
      ...(sid !== undefined ? { sid } : {}),
    },
  };
}

function classifyVerificationError(error: unknown): LogoutTokenResult {
  if (error instanceof SigningKeyNotYetKnownError) {
    return {
      ok: false,
      code: "keys_unknown_yet",
      reason: "the token's key is not among the provider's keys yet",
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  // A JWKS that cannot be fetched says nothing about the token: that is our outage.
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  ) {
    return {
      ok: false,
      code: "keys_unavailable",
      reason: "the provider's signing keys could not be loaded",
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  const reasons: Record<string, string> = {
    ERR_JWT_EXPIRED: "the token has expired",
    ERR_JOSE_ALG_NOT_ALLOWED: "the signing algorithm is not allowed",
    ERR_JWKS_NO_MATCHING_KEY: "no provider key matches the token",
    ERR_JWKS_MULTIPLE_MATCHING_KEYS: "more than one provider key matches the token",
    ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "the signature does not verify",
    ERR_JWS_INVALID: "the token is not a valid JWS",
    ERR_JWT_INVALID: "the token is not a valid JWT",
    ERR_JOSE_NOT_SUPPORTED: "the token uses an unsupported algorithm",
  };
  const reason =
    error instanceof errors.JWTClaimValidationFailed
      ? `${error.claim} ${error.reason === "missing" ? "is missing" : "is not valid"}`
      : (reasons[error.code] ?? "the token is not valid");
  return { ok: false, code: "invalid_token", reason };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
