import type { SessionData, User } from "@auth0/nextjs-auth0/types";
import { keepRolesInUser } from "../../lib/admin/user-roles";
import { navLinksFor } from "../../components/nav-links";
import { makeSession } from "../../dev/harness/session-fixtures";

const claim = "https://example.com/roles";
const everyone = ["Profile", "Dashboard", "Client", "Invoices", "Sessions"];

const labels = (user: User | null | undefined) =>
  navLinksFor(user).map((link) => link.label);

/** A session as the SDK hands it to `beforeSessionSaved` at sign-in: every ID token claim in `user`. */
function signedIn(claims: Record<string, unknown>): SessionData {
  const session = makeSession();
  const idTokenClaims = {
    sub: "auth0|alice",
    sid: "sid-1",
    iat: 1_700_000_000,
    ...claims,
  };
  session.user = { ...session.user, ...idTokenClaims };
  session.tokenSet.idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(
    JSON.stringify(idTokenClaims),
  ).toString("base64url")}.sig`;
  return session;
}

describe("the navigation's Admin link", () => {
  it("is shown, last, to a user whose roles hold admin", () => {
    expect(labels({ sub: "auth0|admin", roles: ["admin"] })).toEqual([
      ...everyone,
      "Admin",
    ]);
    expect(
      navLinksFor({ sub: "auth0|admin", roles: ["support", "admin"] }).at(-1),
    ).toEqual({ href: "/admin/sessions", label: "Admin" });
  });

  it("is not shown to a user without roles, with other roles, or with one that only looks like admin", () => {
    expect(labels({ sub: "auth0|alice" })).toEqual(everyone);
    expect(labels({ sub: "auth0|alice", roles: [] })).toEqual(everyone);
    expect(labels({ sub: "auth0|alice", roles: ["support"] })).toEqual(everyone);
    expect(labels({ sub: "auth0|alice", roles: ["Admin", "administrator"] })).toEqual(
      everyone,
    );
  });

  it("is not shown for roles that are not a list", () => {
    expect(labels({ sub: "auth0|alice", roles: "admin" })).toEqual(everyone);
    expect(labels({ sub: "auth0|alice", roles: { admin: true } })).toEqual(everyone);
  });

  it("is not shown to a visitor, nor while the user is still loading", () => {
    expect(labels(null)).toEqual(everyone);
    expect(labels(undefined)).toEqual(everyone);
  });
});

describe("the roles in the session's user", () => {
  it("are the ID token's roles claim, which then shows the Admin link", async () => {
    const saved = await keepRolesInUser(claim)(signedIn({ [claim]: ["admin"] }));
    expect(saved.user.roles).toEqual(["admin"]);
    expect(labels(saved.user)).toContain("Admin");
  });

  it("leave the user as the SDK keeps it otherwise: its profile claims, without the raw claims", async () => {
    const saved = await keepRolesInUser(claim)(
      signedIn({
        [claim]: ["support"],
        name: "Alice Example",
        email: "alice@example.com",
      }),
    );
    expect(saved.user).toEqual({
      sub: "auth0|alice",
      name: "Alice Example",
      email: "alice@example.com",
      email_verified: true,
      roles: ["support"],
    });
  });

  it("follow the newest ID token the SDK saves: a role taken away goes at the next refresh", async () => {
    const refreshed = signedIn({});
    refreshed.user = { sub: "auth0|alice", roles: ["admin"] };
    const saved = await keepRolesInUser(claim)(refreshed);
    expect(saved.user.roles).toEqual([]);
    expect(labels(saved.user)).toEqual(everyone);
  });

  it("are an empty list without a readable claim, and hold only strings", async () => {
    const keep = keepRolesInUser(claim);
    expect((await keep(signedIn({ [claim]: "admin" }))).user.roles).toEqual([]);
    expect((await keep(signedIn({ [claim]: ["admin", 7, null] }))).user.roles).toEqual([
      "admin",
    ]);
    expect((await keep(signedIn({ roles: ["admin"] }))).user.roles).toEqual([]);
    const noIdToken = signedIn({ [claim]: ["admin"] });
    noIdToken.tokenSet.idToken = undefined;
    expect((await keep(noIdToken)).user.roles).toEqual([]);
  });

  it("keep the rest of the session as it was", async () => {
    const session = signedIn({ [claim]: ["admin"] });
    const saved = await keepRolesInUser(claim)(session);
    expect(saved.tokenSet).toBe(session.tokenSet);
    expect(saved.internal).toBe(session.internal);
  });
});
