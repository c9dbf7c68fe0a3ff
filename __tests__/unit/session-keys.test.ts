import { issuerForDomain } from "../../lib/provider/issuer";
import { sessionKeysFor } from "../../lib/session/keys";

describe("session keys", () => {
  const keys = sessionKeysFor("app:");

  it("puts every key under the prefix, with the hash tag of its slot", () => {
    const user = keys.userTag("https://t.auth0.com/", "auth0|1");
    expect(keys.session("abc")).toBe("app:session:{abc}");
    expect(keys.userSessions(user)).toBe(
      "app:user:{https%3A%2F%2Ft.auth0.com%2F:auth0%7C1}:sessions",
    );
    expect(keys.sidUser("https://t.auth0.com/", "s1")).toBe(
      "app:sid:{https%3A%2F%2Ft.auth0.com%2F:s1}:user",
    );
  });

  it("keeps every key of one user in one hash slot", () => {
    const user = keys.userTag("https://a/", "u");
    const tags = [
      keys.userSessions(user),
      keys.userEnded(user),
      keys.userEndedSids(user),
      keys.userLogoutJti(user, "j{1}"),
    ].map((key) => /\{([^}]*)\}/.exec(key)?.[1]);
    expect(new Set(tags)).toEqual(new Set([user]));
  });

  it("cannot be forged across issuers, or out of its hash tag, by a value", () => {
    expect(keys.userTag("https://a/", "x:y")).not.toBe(keys.userTag("https://a/:x", "y"));
    expect(keys.userTag("https://a/", "}{evil")).not.toMatch(/[{}]/);
  });
});

describe("issuer of a domain", () => {
  it("is Auth0's https form with a trailing slash for a bare domain", () => {
    expect(issuerForDomain("My-Tenant.eu.auth0.com")).toBe(
      "https://my-tenant.eu.auth0.com/",
    );
  });

  it("keeps the scheme and port of a local provider's origin", () => {
    expect(issuerForDomain("http://localhost:4000")).toBe("http://localhost:4000/");
    expect(issuerForDomain("https://login.example.com/")).toBe(
      "https://login.example.com/",
    );
  });
});
