import type { SessionData } from "@auth0/nextjs-auth0/types";
import { hasRole } from "../../lib/admin/roles";
import { makeSession } from "../../dev/harness/session-fixtures";

const claim = "https://example.com/roles";

function withClaims(claims: Record<string, unknown>): SessionData {
  const session = makeSession();
  const payload = Buffer.from(JSON.stringify({ sub: "auth0|alice", ...claims })).toString(
    "base64url",
  );
  session.tokenSet.idToken = `eyJhbGciOiJSUzI1NiJ9.${payload}.sig`;
  return session;
}

describe("hasRole", () => {
  it("is true when the claim is an array holding the role", () => {
    expect(hasRole(withClaims({ [claim]: ["admin"] }), claim, "admin")).toBe(true);
    expect(hasRole(withClaims({ [claim]: ["support", "admin"] }), claim, "admin")).toBe(
      true,
    );
  });

  it("is false when the array lacks the role, or holds it in another case", () => {
    expect(hasRole(withClaims({ [claim]: ["support"] }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: [] }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: ["Admin"] }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: ["administrator"] }), claim, "admin")).toBe(
      false,
    );
  });

  it("is false for a claim that is a string, or any other non-array", () => {
    expect(hasRole(withClaims({ [claim]: "admin" }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: { admin: true } }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: [["admin"]] }), claim, "admin")).toBe(false);
    expect(hasRole(withClaims({ [claim]: null }), claim, "admin")).toBe(false);
  });

  it("is false when the claim is missing", () => {
    expect(hasRole(withClaims({}), claim, "admin")).toBe(false);
    expect(hasRole(makeSession(), claim, "admin")).toBe(false);
  });

  it("reads only the configured claim name", () => {
    const session = withClaims({
      "https://other.example.com/roles": ["admin"],
      roles: ["admin"],
    });
    expect(hasRole(session, claim, "admin")).toBe(false);
    expect(hasRole(session, "https://other.example.com/roles", "admin")).toBe(true);
  });

  it("is false without a readable ID token", () => {
    const session = makeSession();
    session.tokenSet.idToken = undefined;
    expect(hasRole(session, claim, "admin")).toBe(false);
    session.tokenSet.idToken = "a.%%%.c";
    expect(hasRole(session, claim, "admin")).toBe(false);
  });
});
