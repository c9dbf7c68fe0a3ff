import {
  forwardedLoginParameters,
  loginUrlForSdk,
} from "../../lib/http/login-parameters";

const app = "https://app.example.com";
const forSdk = (query: string) => loginUrlForSdk(`${app}/auth/login?${query}`);

describe("the query parameters /auth/login forwards to the SDK (loginUrlForSdk)", () => {
  it("forwards returnTo and max_age, the two the app itself sends (a recent sign-in)", () => {
    const url = forSdk("max_age=0&returnTo=%2Fsessions");
    expect(url.pathname).toBe("/auth/login");
    expect([...url.searchParams]).toEqual([
      ["returnTo", "/sessions"],
      ["max_age", "0"],
    ]);
  });

  it("forwards screen_hint, login_hint and ui_locales, which only shape the provider's page", () => {
    const url = forSdk(
      "screen_hint=signup&login_hint=bob%40example.com&ui_locales=fr-CA",
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      screen_hint: "signup",
      login_hint: "bob@example.com",
      ui_locales: "fr-CA",
    });
  });

  it("drops challengeMode, so no sign-in is merged into the session already in the browser", () => {
    expect(forSdk("challengeMode=popup").searchParams.has("challengeMode")).toBe(false);
    expect(forSdk("challengeMode=redirect").search).toBe("");
  });

  it.each([
    ["audience", "https://other-api.example.com"],
    ["scope", "openid read:everything"],
    ["connection", "attacker-idp"],
    ["organization", "org_123"],
    ["invitation", "abc"],
    ["acr_values", "x"],
    ["redirect_uri", "https://evil.example/cb"],
    ["response_type", "token"],
    ["response_mode", "form_post"],
    ["state", "chosen-state"],
    ["nonce", "chosen-nonce"],
    ["code_challenge", "x"],
    ["client_id", "another-client"],
    ["federated", ""],
  ])("never forwards %s", (name, value) => {
    const url = forSdk(`${name}=${encodeURIComponent(value)}&returnTo=%2F`);
    expect([...url.searchParams.keys()]).toEqual(["returnTo"]);
  });

  it("forwards prompt only as prompt=login, a fresh sign-in", () => {
    expect(forSdk("prompt=login").searchParams.get("prompt")).toBe("login");
    for (const value of ["none", "consent", "select_account", "login consent", ""]) {
      expect(
        forSdk(`prompt=${encodeURIComponent(value)}`).searchParams.has("prompt"),
      ).toBe(false);
    }
  });

  it("forwards one value of a repeated parameter, the first, which the middleware checks", () => {
    const url = forSdk("returnTo=%2Fdashboard&returnTo=https%3A%2F%2Fevil.example");
    expect(url.searchParams.getAll("returnTo")).toEqual(["/dashboard"]);
  });

  it("leaves a login without parameters without a query", () => {
    expect(forSdk("").toString()).toBe(`${app}/auth/login`);
  });

  it("allows exactly the six documented parameters", () => {
    expect([...forwardedLoginParameters.keys()].sort()).toEqual(
      ["login_hint", "max_age", "prompt", "returnTo", "screen_hint", "ui_locales"].sort(),
    );
  });
});
