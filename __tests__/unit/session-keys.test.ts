import { issuerForDomain } from "../../lib/provider/issuer";
import { sessionKeysFor } from "../../lib/session/keys";

describe("session keys", () => {
  const keys = sessionKeysFor("app:");

  it("puts every key under the prefix", () => {
    expect(keys.session("abc")).toBe("app:session:abc");
    expect(keys.sessionsBySub("https://t.auth0.com/", "auth0|1")).toBe(
      "app:sub:https%3A%2F%2Ft.auth0.com%2F:auth0%7C1",
    );
  });

  it("cannot be forged across issuers by a value holding the separator", () => {
    expect(keys.sessionsBySid("https://a/", "x:y")).not.toBe(
      keys.sessionsBySid("https://a/:x", "y"),
    );
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
