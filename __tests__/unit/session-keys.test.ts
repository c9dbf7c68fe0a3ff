import { issuerForDomain } from "../../lib/provider/issuer";
import { sessionKeysFor } from "../../lib/session/keys";

describe("session keys", () => {
  const keys = sessionKeysFor("app:");

  it("puts every key under the prefix, with the hash tag of its slot where it shares one", () => {
    expect(keys.session("abc")).toBe("app:session:abc");
    expect(keys.session("a{b}")).toBe("app:session:a%7Bb%7D");
    expect(keys.userSessions(keys.userTag("auth0|1"))).toBe(
      "app:user:{auth0%7C1}:sessions",
    );
    expect(keys.sidSub("s1")).toBe("app:sid:{s1}:sub");
    expect(keys.userByEmail("Alice@Example.com")).toBe("app:email:{alice%40example.com}");
  });

  it("keeps every key of one user, and of one sid, in one hash slot", () => {
    const user = keys.userTag("u");
    const tags = (names: string[]) =>
      new Set(names.map((key) => /\{([^}]*)\}/.exec(key)?.[1]));
    expect(
      tags([
        keys.userSessions(user),
        keys.userEnded(user),
        keys.userEndedSids(user),
        keys.userLogoutJti(user, "j{1}"),
      ]),
    ).toEqual(new Set([user]));
    expect(
      tags([keys.sidSub("s{1}"), keys.sidEnded("s{1}"), keys.sidLogoutJti("s{1}", "j")]),
    ).toEqual(new Set(["s%7B1%7D"]));
  });

  it("cannot be forged out of its hash tag by a value", () => {
    expect(keys.userTag("}{evil")).not.toMatch(/[{}]/);
    expect(keys.userSessions(keys.userTag("a}:sessions{b"))).toBe(
      "app:user:{a%7D%3Asessions%7Bb}:sessions",
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
