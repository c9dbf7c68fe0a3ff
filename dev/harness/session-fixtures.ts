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
