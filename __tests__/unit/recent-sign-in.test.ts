import type { SessionData } from "@auth0/nextjs-auth0/types";
import {
  reauthenticationUrl,
  signedInRecently,
} from "../../lib/your-sessions/recent-sign-in";
import { makeSession } from "../../dev/harness/session-fixtures";

const now = 1_900_000_000;
const maxAge = 600;

/** A session whose (unsigned) ID token carries `claims`. */
function withIdToken(claims: Record<string, unknown> | string | undefined): SessionData {
  const session = makeSession({ createdAt: now - 3600 });
  if (claims === undefined) {
    session.tokenSet.idToken = undefined;
    return session;
  }
  const payload =
    typeof claims === "string"
      ? claims
      : Buffer.from(JSON.stringify(claims)).toString("base64url");
  session.tokenSet.idToken = `eyJhbGciOiJSUzI1NiJ9.${payload}.sig`;
  return session;
}

describe("signedInRecently", () => {
  it("is true when auth_time is within maxAge, up to exactly maxAge", () => {
    expect(signedInRecently(withIdToken({ auth_time: now }), maxAge, now)).toBe(true);
    expect(signedInRecently(withIdToken({ auth_time: now - 10 }), maxAge, now)).toBe(
      true,
    );
    expect(signedInRecently(withIdToken({ auth_time: now - maxAge }), maxAge, now)).toBe(
      true,
    );
  });

  it("is false one second past maxAge", () => {
    expect(
      signedInRecently(withIdToken({ auth_time: now - maxAge - 1 }), maxAge, now),
    ).toBe(false);
  });

  it("reads auth_time, not iat: a recently issued token of an old sign-in is not recent", () => {
    const session = withIdToken({ sub: "auth0|alice", iat: now, auth_time: now - 86400 });
    expect(signedInRecently(session, maxAge, now)).toBe(false);
  });

  it("is false without auth_time, or with one that is not a number", () => {
    // makeSession's ID token has iat but no auth_time.
    expect(signedInRecently(makeSession({ createdAt: now, iat: now }), maxAge, now)).toBe(
      false,
    );
    expect(signedInRecently(withIdToken({ iat: now }), maxAge, now)).toBe(false);
    expect(signedInRecently(withIdToken({ auth_time: String(now) }), maxAge, now)).toBe(
      false,
    );
    expect(signedInRecently(withIdToken({ auth_time: null }), maxAge, now)).toBe(false);
  });

  it("is false without an ID token, or with one that cannot be read", () => {
    expect(signedInRecently(withIdToken(undefined), maxAge, now)).toBe(false);
    expect(signedInRecently(withIdToken("!!not-base64-json"), maxAge, now)).toBe(false);
    expect(signedInRecently(withIdToken("W10"), maxAge, now)).toBe(false); // "[]"
    const session = withIdToken({ auth_time: now });
    session.tokenSet.idToken = "no-dots-at-all";
    expect(signedInRecently(session, maxAge, now)).toBe(false);
  });
});

describe("reauthenticationUrl", () => {
  it("asks for a fresh sign-in and comes back to the page", () => {
    expect(reauthenticationUrl("/sessions")).toBe(
      "/auth/login?max_age=0&returnTo=%2Fsessions",
    );
  });

  it("encodes a returnTo with a query", () => {
    const url = new URL(reauthenticationUrl("/admin/sessions?q=a&b=c"), "http://x");
    expect(url.pathname).toBe("/auth/login");
    expect(url.searchParams.get("max_age")).toBe("0");
    expect(url.searchParams.get("returnTo")).toBe("/admin/sessions?q=a&b=c");
  });
});
