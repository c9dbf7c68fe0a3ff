import { randomBytes } from "node:crypto";
import type { SessionData } from "@auth0/nextjs-auth0/types";

/** A session as the SDK stores it after a login at `createdAt` (epoch seconds). */
export function makeSession(
  overrides: {
    sub?: string;
    sid?: string;
    createdAt?: number;
    accessToken?: string;
    iat?: number;
    email?: string;
    /** @default true, as the provider says of an address it verified */
    emailVerified?: unknown;
  } = {},
): SessionData {
  const createdAt = overrides.createdAt ?? Math.floor(Date.now() / 1000);
  const sub = overrides.sub ?? "auth0|alice";
  const idTokenClaims = { sub, sid: overrides.sid, iat: overrides.iat ?? createdAt };
  return {
    user: {
      sub,
      name: "Alice Example",
      email: overrides.email ?? "alice@example.com",
      // Any value a provider may send, not only a boolean: the store must check it.
      email_verified: ("emailVerified" in overrides ? overrides.emailVerified : true) as
        boolean | undefined,
    },
    tokenSet: {
      accessToken: overrides.accessToken ?? "access-token",
      refreshToken: "refresh-token",
      idToken: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(idTokenClaims)).toString("base64url")}.sig`,
      expiresAt: createdAt + 3600,
    },
    internal: { sid: overrides.sid ?? "sid-1", createdAt },
  };
}

/**
 * Stores `count` sessions under random ids, `batch` at a time: the i-th is
 * `sessionFor(i)`, by default user `auth0|user-<i>` with a sid and an email of its own.
 */
export async function storeSessions(
  store: { set(id: string, session: SessionData): Promise<void> },
  count: number,
  sessionFor: (i: number) => SessionData = (i) =>
    makeSession({
      sub: `auth0|user-${i}`,
      sid: `sid-${i}`,
      email: `user-${i}@example.com`,
    }),
  batch = 500,
): Promise<void> {
  for (let done = 0; done < count; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - done) }, (_, i) =>
        store.set(randomBytes(16).toString("hex"), sessionFor(done + i)),
      ),
    );
  }
}

const base64url = (bytes: number) => randomBytes(bytes).toString("base64url");
const jwtPart = (value: object) =>
  Buffer.from(JSON.stringify(value)).toString("base64url");
/** An RS256 JWT's form and size: a kid'd header, the claims, a 2048-bit signature. */
const rs256Jwt = (header: object, claims: object) =>
  `${jwtPart({ alg: "RS256", ...header, kid: base64url(32) })}.${jwtPart(claims)}.${base64url(256)}`;

/**
 * The i-th of many sign-ins shaped as a real one is: what the app stores after a login
 * at the local provider (dev/idp) with an API audience, the same fields and token sizes
 * (RS256 ID and access tokens, 43-character refresh token and sid; about 2.1 KB of
 * JSON), with user `auth0|user-<i>`, a verified email of its own, and a fresh sid.
 * The signatures are random bytes: nothing verifies them. `roles` (role-01, role-02, …)
 * grows the session by about 23 bytes each, in the ID token's roles claim and in
 * `user.roles`, as an administrator's does.
 */
export function makeSignInSession(
  i: number,
  options: { issuer?: string; createdAt?: number; roles?: number } = {},
): SessionData {
  const iss = options.issuer ?? "https://tenant.example.com/";
  const roles = Array.from(
    { length: options.roles ?? 0 },
    (_, n) => `role-${String(n + 1).padStart(2, "0")}`,
  );
  const createdAt = options.createdAt ?? Math.floor(Date.now() / 1000);
  const sub = `auth0|user-${i}`;
  const sid = base64url(32);
  const profile = {
    name: `User ${i}`,
    nickname: `user-${i}`,
    email: `user-${i}@example.com`,
    email_verified: true,
  };
  const rolesClaim = "https://example.com/roles";
  const idToken = rs256Jwt(
    {},
    {
      sub,
      [rolesClaim]: roles,
      ...profile,
      auth_time: createdAt,
      nonce: base64url(32),
      sid,
      aud: "local-app-client",
      exp: createdAt + 36_000,
      iat: createdAt,
      iss,
    },
  );
  const accessToken = rs256Jwt(
    { typ: "at+jwt" },
    {
      jti: base64url(32),
      sub,
      iat: createdAt,
      exp: createdAt + 3600,
      scope: "read:invoices",
      client_id: "local-app-client",
      iss,
      aud: "urn:invoices-api",
    },
  );
  return {
    user: { sub, ...profile, roles },
    tokenSet: {
      accessToken,
      idToken,
      scope: "read:invoices",
      requestedScope: "openid profile email offline_access",
      audience: "urn:invoices-api",
      refreshToken: base64url(32),
      expiresAt: createdAt + 3600,
    },
    internal: { sid, createdAt },
  };
}
